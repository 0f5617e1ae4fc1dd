/**
 * JSON text made elsewhere — on a pool worker, where a 50 MB price history is validated and
 * serialized without holding the thread that answers requests — and spliced into an answer as
 * is. Only the owner's side uses the class (it does not cross a thread: a worker sends the
 * string and the owner wraps it).
 */
export class JsonText {
  constructor(readonly json: string) {}
}

/**
 * JSON.stringify, with every JsonText inside written as its text. Each JsonText first becomes a
 * string token carrying a random nonce, then the token (as JSON.stringify escapes it) is replaced
 * by the text: a user string cannot forge a token it cannot guess.
 * Example: `stringifyWith({a: 1, b: new JsonText('[1,2]')})` → `'{"a":1,"b":[1,2]}'`.
 */
export function stringifyWith(value: unknown): string {
  if (value instanceof JsonText) return value.json;
  const parts: string[] = [];
  const nonce = Math.random().toString(36).slice(2, 12);
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (!(v instanceof JsonText)) return v;
    parts.push(v.json);
    return `\u0000jt${nonce}:${parts.length - 1}`;
  });
  if (parts.length === 0) return text;
  // JSON.stringify writes U+0000 as the six characters \u0000.
  const token = new RegExp(`"\\\\u0000jt${nonce}:(\\d+)"`, 'g');
  return text.replace(token, (_m, i: string) => parts[Number(i)] as string);
}
