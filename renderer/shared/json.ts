/**
 * JSON helpers for the request editor: a compact pretty-printer (arrays of plain values stay on
 * one line, so a year of prices is one line, not 253) and a locator that maps an error path such
 * as `assets.0.price` to the characters of that value in the text the user typed.
 */

/** Pretty JSON with 2-space indentation; arrays of primitives are written on one line. */
export function prettyJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((x) => x === null || typeof x !== 'object')) {
      return `[${value.map((x) => JSON.stringify(x) ?? 'null').join(', ')}]`;
    }
    return `[\n${value.map((x) => inner + prettyJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== undefined,
  );
  if (entries.length === 0) return '{}';
  return `{\n${entries
    .map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`)
    .join(',\n')}\n${indent}}`;
}

export interface TextSpan {
  start: number;
  end: number;
  /** false when only a parent of the path exists (e.g. a required field is missing). */
  exact: boolean;
}

/**
 * Where the value at a dotted path sits in a JSON text: `locatePath('{"a":[1,{"b":2}]}', 'a.1.b')`
 * → `{start: 13, end: 14, exact: true}`. When the path does not exist, the deepest existing
 * parent is returned with `exact: false`. `(root)` or `''` is the whole document. Returns null
 * for text that is not valid JSON.
 */
export function locatePath(text: string, path: string): TextSpan | null {
  const target = path === '' || path === '(root)' ? [] : path.split('.');
  let i = 0;
  let best: TextSpan | null = null;
  let bestDepth = -1;

  const fail = (): never => {
    throw new SyntaxError(`unexpected character at ${i}`);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };
  const str = (): string => {
    const s = i;
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return JSON.parse(text.slice(s, i)) as string;
  };
  const value = (depth: number, onPath: boolean): void => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') i++;
      else {
        for (;;) {
          ws();
          const key = str();
          ws();
          if (text[i] !== ':') fail();
          i++;
          value(depth + 1, onPath && depth < target.length && key === target[depth]);
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            break;
          }
          fail();
        }
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') i++;
      else {
        for (let k = 0; ; k++) {
          value(depth + 1, onPath && depth < target.length && String(k) === target[depth]);
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            break;
          }
          fail();
        }
      }
    } else if (c === '"') {
      str();
    } else {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|^true|^false|^null/.exec(
        text.slice(i, i + 64),
      );
      if (!m) fail();
      i += (m as RegExpExecArray)[0].length;
    }
    if (onPath && depth > bestDepth) {
      bestDepth = depth;
      best = { start, end: i, exact: depth === target.length };
    }
  };
  try {
    value(0, true);
    ws();
    if (i !== text.length) fail();
  } catch {
    return null;
  }
  return best;
}

/** Line and column (1-based) of a character offset, for messages such as "line 12, col 5". */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      last = k;
    }
  }
  return { line, col: offset - last };
}

/** The character offset of a JSON.parse syntax error, when the engine's message names one. */
export function syntaxErrorOffset(message: string, text: string): number | null {
  const pos = /position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) {
    let line = 1;
    let k = 0;
    while (k < text.length && line < Number(lc[1])) {
      if (text.charCodeAt(k) === 10) line++;
      k++;
    }
    return k + Number(lc[2]) - 1;
  }
  return null;
}
