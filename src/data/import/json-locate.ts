/**
 * Finds where values sit inside JSON text, so that a schema problem at `assets.2.price` can be
 * reported at the line the user sees in their file.
 *
 * Linear time however many problems there are: every requested path goes into one trie, and a
 * single walk over the text records the offset of each trie node it meets (issue #10: locating
 * each problem by rescanning the text from the start made a 5 MB file with 5,000 problems take
 * minutes). Offsets become lines in one more scan, visiting the offsets in ascending order.
 *
 * The text is known to be valid JSON (JSON.parse accepted it), which keeps the scanner small: it
 * only needs to skip values, not validate them.
 */

const WS = new Uint8Array(128);
WS[32] = WS[9] = WS[10] = WS[13] = 1;

function skipWs(t: string, i: number): number {
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (c < 128 && WS[c] === 1) i++;
    else break;
  }
  return i;
}

/** Index just after the string literal starting at i (t[i] === '"'). */
function skipString(t: string, i: number): number {
  i++;
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (c === 92) i += 2;
    else if (c === 34) return i + 1;
    else i++;
  }
  return i;
}

/** Index just after the value starting at i; containers are skipped with a depth counter. */
function skipValue(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === 34) return skipString(t, i);
  if (c === 123 || c === 91) {
    // Iterative, not recursive: nesting depth cannot overflow the stack.
    let depth = 0;
    while (i < t.length) {
      const d = t.charCodeAt(i);
      if (d === 34) {
        i = skipString(t, i);
        continue;
      }
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  while (i < t.length) {
    const d = t.charCodeAt(i);
    if (d === 44 || d === 125 || d === 93 || (d < 128 && WS[d] === 1)) break;
    i++;
  }
  return i;
}

/**
 * One step of a requested path. Member names live in a Map: a key such as `__proto__` or
 * `constructor` is data here, never an object property.
 */
interface Node {
  /** Offset of the value (member of a scalar: of its key), or -1 while not met. */
  at: number;
  keys: Map<string, Node> | null;
  items: Map<number, Node> | null;
}

const node = (): Node => ({ at: -1, keys: null, items: null });

function insert(root: Node, path: readonly PropertyKey[]): Node[] {
  const chain = [root];
  let n = root;
  for (const seg of path) {
    let next: Node | undefined;
    if (typeof seg === 'number') {
      n.items ??= new Map();
      next = n.items.get(seg);
      if (!next) n.items.set(seg, (next = node()));
    } else if (typeof seg === 'string') {
      n.keys ??= new Map();
      next = n.keys.get(seg);
      if (!next) n.keys.set(seg, (next = node()));
    } else break; // a symbol never names JSON text
    chain.push(next);
    n = next;
  }
  return chain;
}

/** Forgets offsets under n: a duplicate key is met again, and JSON.parse keeps the last one. */
function reset(n: Node): void {
  for (const m of [n.keys, n.items])
    if (m)
      for (const c of m.values()) {
        c.at = -1;
        reset(c);
      }
}

/** The key of the member whose string literal spans [start, end). */
function keyText(t: string, start: number, end: number): string {
  const raw = t.slice(start + 1, end - 1);
  // Escapes are rare in keys: only then is the literal decoded.
  return raw.includes('\\') ? (JSON.parse(t.slice(start, end)) as string) : raw;
}

/**
 * Walks the value starting at i, recording the offsets of n's descendants; returns the index just
 * after the value. Recursion follows the trie only (its depth is the longest requested path);
 * everything else is skipped, so each character is visited a bounded number of times.
 */
function walk(t: string, i: number, n: Node): number {
  const c = t.charCodeAt(i);
  if (c === 123 && n.keys) {
    i = skipWs(t, i + 1);
    while (i < t.length && t.charCodeAt(i) === 34) {
      const keyStart = i;
      const keyEnd = skipString(t, i);
      const child = n.keys.get(keyText(t, keyStart, keyEnd));
      i = skipWs(t, skipWs(t, keyEnd) + 1); // past the ':'
      if (child) {
        if (child.at >= 0) reset(child);
        const v = t.charCodeAt(i);
        child.at = v === 123 || v === 91 ? i : keyStart;
        i = walk(t, i, child);
      } else i = skipValue(t, i);
      i = skipWs(t, i);
      if (t.charCodeAt(i) !== 44) break;
      i = skipWs(t, i + 1);
    }
    return t.charCodeAt(i) === 125 ? i + 1 : i;
  }
  if (c === 91 && n.items) {
    i = skipWs(t, i + 1);
    for (let k = 0; i < t.length && t.charCodeAt(i) !== 93; k++) {
      const child = n.items.get(k);
      if (child) {
        child.at = i;
        i = walk(t, i, child);
      } else i = skipValue(t, i);
      i = skipWs(t, i);
      if (t.charCodeAt(i) !== 44) break;
      i = skipWs(t, i + 1);
    }
    return t.charCodeAt(i) === 93 ? i + 1 : i;
  }
  return skipValue(t, i);
}

/**
 * Offsets where the values at `paths` start in valid JSON text, in one pass over the text. For an
 * object member with a scalar value the offset is that of its key; a path that does not exist
 * resolves to its deepest existing ancestor (a missing `assets.0.price` → the start of
 * `assets[0]`). -1 only for empty text. Duplicate keys: the last one, as JSON.parse keeps.
 * Example: locateJsonOffsets('{"a": [1, 2]}', [['a', 1]]) = [10].
 */
export function locateJsonOffsets(
  text: string,
  paths: readonly (readonly PropertyKey[])[],
): number[] {
  const root = node();
  const chains = paths.map((p) => insert(root, p));
  const start = skipWs(text, 0);
  if (start < text.length) {
    root.at = start;
    walk(text, start, root);
  }
  return chains.map((chain) => {
    let at = -1;
    for (const n of chain) {
      if (n.at < 0) break;
      at = n.at;
    }
    return at;
  });
}

/**
 * 1-based lines of many character offsets in one scan of the text: the offsets are visited in
 * ascending order while counting '\n' (so CRLF counts once). O(n + k log k) time, O(k) memory —
 * no per-line index, which for a 50 MB file would hold millions of entries. -1 → 0.
 * Example: linesAt('a\nb\nc', [4, 0, 2]) = [3, 1, 2].
 */
export function linesAt(t: string, offsets: readonly number[]): number[] {
  const order = offsets
    .map((_, k) => k)
    .sort((a, b) => (offsets[a] as number) - (offsets[b] as number));
  const out = new Array<number>(offsets.length).fill(0);
  let line = 1;
  let nl = t.indexOf('\n');
  for (const k of order) {
    const at = offsets[k] as number;
    if (at < 0) continue;
    while (nl >= 0 && nl < at) {
      line++;
      nl = t.indexOf('\n', nl + 1);
    }
    out[k] = line;
  }
  return out;
}

/** 1-based line of character index i (one scan; for a single lookup). */
export function lineAt(t: string, i: number): number {
  return linesAt(t, [i])[0] as number;
}

/**
 * Lines (1-based) where the values at `paths` start in valid JSON text (see locateJsonOffsets):
 * one walk over the text and one scan for lines, however many paths. 0 only for empty text.
 * Example: locateJsonLines('{\n "a": [1,\n 2]}', [['a', 1], ['a']]) = [3, 2].
 */
export function locateJsonLines(
  text: string,
  paths: readonly (readonly PropertyKey[])[],
): number[] {
  return linesAt(text, locateJsonOffsets(text, paths));
}

/**
 * Line (1-based) of the value at one path (see locateJsonLines, which locates many paths in one
 * pass and should be used for a list of problems).
 * Example: locateJsonPath('{\n "a": [1,\n 2]}', ['a', 1]) = 3.
 */
export function locateJsonPath(text: string, path: readonly PropertyKey[]): number {
  return locateJsonLines(text, [path])[0] as number;
}
