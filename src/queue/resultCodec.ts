/**
 * A computed item's result as bytes for Redis (issue #13, item 4): the run's two stored texts go
 * as raw UTF-8 beside a small JSON head, instead of as strings inside a JSON return value.
 *
 * Why: inside BullMQ's return value the ≈ 0.3 MB of texts (a 20-asset × 1,260-day request and its
 * output) were escaped by JSON.stringify on the worker, measured for length and written by its
 * Redis client, copied by Redis into the job and into the event stream, read back and unescaped
 * by JSON.parse on the owner: about 9 ms of CPU per item across the three processes for an item
 * that computes in 11 ms. As a frame the texts are copied, never escaped or parsed.
 *
 * Frame (all lengths are byte counts, unsigned 32-bit big-endian):
 *   "SPR1" | head length | head (UTF-8 JSON) | input length | input_json (UTF-8) | output_json (UTF-8, to the end)
 * The head is the result without the two texts: `{key, outcome: 'computed', computed: {status,
 * input_hash, duration_ms, outcome, error?}, text_hashes?}`.
 */
import type { BatchComputed, BatchItemResult } from '../services/batches/job';

type Computed = Extract<BatchItemResult, { outcome: 'computed' }>;

const MAGIC = Buffer.from('SPR1', 'latin1');

/** Bytes of a frame header before the head: magic and the head's length. */
const PREFIX = MAGIC.length + 4;

/**
 * The frame of a computed result. Example: a result whose input_json is `{"a":1}` (7 bytes) and
 * output_json `{"b":2}` gives `SPR1`, the head's length, the head, `00 00 00 07`, `{"a":1}{"b":2}`.
 */
export function packResult(r: Computed): Buffer {
  const { input_json, output_json, ...computed } = r.computed;
  const head = Buffer.from(JSON.stringify({ ...r, computed }), 'utf8');
  const input = Buffer.from(input_json, 'utf8');
  const output = Buffer.from(output_json, 'utf8');
  const frame = Buffer.allocUnsafe(PREFIX + head.length + 4 + input.length + output.length);
  let at = MAGIC.copy(frame, 0);
  at = frame.writeUInt32BE(head.length, at);
  at += head.copy(frame, at);
  at = frame.writeUInt32BE(input.length, at);
  at += input.copy(frame, at);
  output.copy(frame, at);
  return frame;
}

/** A frame that is not one `packResult` wrote (truncated, another format). */
export class CorruptResult extends Error {}

/**
 * The result a frame holds, or CorruptResult when it is not a whole frame of a computed result.
 * Example: `unpackResult(packResult(r))` deep-equals `r`.
 */
export function unpackResult(frame: Buffer): Computed {
  const fail = (why: string) => new CorruptResult(`a stored item result is corrupt: ${why}`);
  if (frame.length < PREFIX || !frame.subarray(0, MAGIC.length).equals(MAGIC))
    throw fail('it does not start with SPR1');
  const headEnd = PREFIX + frame.readUInt32BE(MAGIC.length);
  if (headEnd + 4 > frame.length) throw fail('its head runs past its end');
  const inputEnd = headEnd + 4 + frame.readUInt32BE(headEnd);
  if (inputEnd > frame.length) throw fail('its input text runs past its end');
  let head: Omit<Computed, 'computed'> & {
    computed: Omit<BatchComputed, 'input_json' | 'output_json'>;
  };
  try {
    head = JSON.parse(frame.toString('utf8', PREFIX, headEnd)) as typeof head;
  } catch {
    throw fail('its head is not JSON');
  }
  if (head.outcome !== 'computed' || typeof head.key !== 'string' || !head.computed)
    throw fail('its head is not a computed result');
  const computed = {
    ...head.computed,
    input_json: frame.toString('utf8', headEnd + 4, inputEnd),
    output_json: frame.toString('utf8', inputEnd),
  } as BatchComputed;
  return { ...head, computed };
}
