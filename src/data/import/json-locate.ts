/**
 * Finds the line of a value inside JSON text, so that a schema problem at `assets.2.price` can be
 * reported at the line the user sees in their file. The text is known to be valid JSON (JSON.parse
 * accepted it), which keeps this scanner small: it only needs to skip values, not validate them.
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

/** Index just after the value starting at i. */
function skipValue(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === 34) return skipString(t, i);
  if (c === 123 || c === 91) {
    // Object or array: track nesting depth, stepping over strings (which may contain brackets).
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

/** Start index of the member `key` of the object at i, or -1. */
function findKey(t: string, i: number, key: string): number {
  i = skipWs(t, i + 1);
  while (i < t.length && t.charCodeAt(i) === 34) {
    const keyStart = i;
    const end = skipString(t, i);
    let k: unknown;
    try {
      k = JSON.parse(t.slice(i, end));
    } catch {
      return -1;
    }
    i = skipWs(t, end);
    i = skipWs(t, i + 1); // the ':'
    if (k === key) return t.charCodeAt(i) === 123 || t.charCodeAt(i) === 91 ? i : keyStart;
    i = skipWs(t, skipValue(t, i));
    if (t.charCodeAt(i) === 44) i = skipWs(t, i + 1);
    else break;
  }
  return -1;
}

/** Start index of element n of the array at i, or -1. */
function findIndex(t: string, i: number, n: number): number {
  i = skipWs(t, i + 1);
  if (t.charCodeAt(i) === 93) return -1;
  for (let k = 0; i < t.length; k++) {
    if (k === n) return i;
    i = skipWs(t, skipValue(t, i));
    if (t.charCodeAt(i) === 44) i = skipWs(t, i + 1);
    else return -1;
  }
  return -1;
}

/** 1-based line of character index i. */
export function lineAt(t: string, i: number): number {
  let line = 1;
  for (let p = t.indexOf('\n'); p >= 0 && p < i; p = t.indexOf('\n', p + 1)) line++;
  return line;
}

/**
 * Line (1-based) where the value at `path` starts in valid JSON text; for a member, the line of its
 * key. A path that does not exist resolves to its deepest existing ancestor (e.g. a missing
 * `assets.0.price` points at the start of `assets[0]`).
 * Example: locateJsonPath('{\n "a": [1,\n 2]}', ['a', 1]) = 3.
 */
export function locateJsonPath(text: string, path: readonly PropertyKey[]): number {
  let i = skipWs(text, 0);
  if (i >= text.length) return 0;
  for (const seg of path) {
    const c = text.charCodeAt(i);
    let next = -1;
    if (c === 123 && typeof seg === 'string') next = findKey(text, i, seg);
    else if (c === 91 && typeof seg === 'number') next = findIndex(text, i, seg);
    if (next < 0) break;
    i = next;
    // findKey may return the key's position for a scalar member: stop there.
    if (text.charCodeAt(i) === 34 && text.charCodeAt(skipWs(text, skipString(text, i))) === 58)
      break;
  }
  return lineAt(text, i);
}
