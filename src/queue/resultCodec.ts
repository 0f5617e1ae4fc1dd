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
 *
 * A long part of input_json that many items repeat — the price history, the same for every
 * account of a model with the same assets — may be left out: the head then says `input_ref:
 * {hash, at}`, the text's SHA-256 (hex, of its UTF-8) and the byte offset in the input section
 * where it goes. The text is stored once per batch (queue/texts.ts); unpacking needs it.
 */
import type { BatchComputed, BatchItemResult } from '../services/batches/job';

type Computed = Extract<BatchItemResult, { outcome: 'computed' }>;

const MAGIC = Buffer.from('SPR1', 'latin1');

/** Bytes of a frame header before the head: magic and the head's length. */
const PREFIX = MAGIC.length + 4;

/** A part of input_json left out of a frame: its SHA-256 and the byte offset where it goes. */
export interface TextRef {
  hash: string;
  at: number;
}

/** The part of input_json to leave out: `length` characters from `start`, named by `hash`. */
export interface LeaveOut {
  start: number;
  length: number;
  hash: string;
}

/**
 * The frame of a computed result, without `leave` (when given) in its input text.
 * Example: a result whose input_json is `{"a":1}` (7 bytes) and output_json `{"b":2}` gives
 * `SPR1`, the head's length, the head, `00 00 00 07`, `{"a":1}{"b":2}`; with `leave = {start: 5,
 * length: 1, hash: H}` the input section is `{"a":}` (6 bytes) and the head says `input_ref: {hash:
 * H, at: 5}`.
 */
export function packResult(r: Computed, leave?: LeaveOut): Buffer {
  const { input_json, output_json, ...computed } = r.computed;
  let input: Buffer;
  let input_ref: TextRef | undefined;
  if (leave) {
    const before = Buffer.from(input_json.slice(0, leave.start), 'utf8');
    const after = Buffer.from(input_json.slice(leave.start + leave.length), 'utf8');
    input = Buffer.concat([before, after]);
    input_ref = { hash: leave.hash, at: before.length };
  } else input = Buffer.from(input_json, 'utf8');
  const head = Buffer.from(
    JSON.stringify({ ...r, computed, ...(input_ref ? { input_ref } : {}) }),
    'utf8',
  );
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

/** A frame read: the key it holds, the text it leaves out (if any), and the result once given it. */
export interface ReadFrame {
  key: string;
  ref: TextRef | null;
  /** The result, with `text` put back where the frame left it out (CorruptResult without it). */
  complete(text?: string): Computed;
}

type Head = Omit<Computed, 'computed'> & {
  computed: Omit<BatchComputed, 'input_json' | 'output_json'>;
  input_ref?: TextRef;
};

const isRef = (v: unknown): v is TextRef =>
  !!v &&
  typeof (v as TextRef).hash === 'string' &&
  Number.isInteger((v as TextRef).at) &&
  (v as TextRef).at >= 0;

/**
 * Reads a frame's head, or throws CorruptResult when it is not a whole frame of a computed result.
 * Example: `readFrame(packResult(r)).complete()` deep-equals `r`.
 */
export function readFrame(frame: Buffer): ReadFrame {
  const fail = (why: string) => new CorruptResult(`a stored item result is corrupt: ${why}`);
  if (frame.length < PREFIX || !frame.subarray(0, MAGIC.length).equals(MAGIC))
    throw fail('it does not start with SPR1');
  const headEnd = PREFIX + frame.readUInt32BE(MAGIC.length);
  if (headEnd + 4 > frame.length) throw fail('its head runs past its end');
  const inputStart = headEnd + 4;
  const inputEnd = inputStart + frame.readUInt32BE(headEnd);
  if (inputEnd > frame.length) throw fail('its input text runs past its end');
  let head: Head;
  try {
    head = JSON.parse(frame.toString('utf8', PREFIX, headEnd)) as Head;
  } catch {
    throw fail('its head is not JSON');
  }
  if (head.outcome !== 'computed' || typeof head.key !== 'string' || !head.computed)
    throw fail('its head is not a computed result');
  const { input_ref, ...result } = head;
  if (input_ref !== undefined && (!isRef(input_ref) || inputStart + input_ref.at > inputEnd))
    throw fail('its input reference is not one');
  return {
    key: head.key,
    ref: input_ref ?? null,
    complete(text?: string): Computed {
      let input_json: string;
      if (input_ref) {
        if (text === undefined) throw fail(`the text ${input_ref.hash} it leaves out is missing`);
        const split = inputStart + input_ref.at;
        input_json =
          frame.toString('utf8', inputStart, split) +
          text +
          frame.toString('utf8', split, inputEnd);
      } else input_json = frame.toString('utf8', inputStart, inputEnd);
      const computed = {
        ...result.computed,
        input_json,
        output_json: frame.toString('utf8', inputEnd),
      } as BatchComputed;
      return { ...result, computed };
    },
  };
}

/**
 * The result a frame holds, with `text` put back when the frame left it out; CorruptResult when
 * it is not a whole frame of a computed result, or its left-out text is not given.
 * Example: `unpackResult(packResult(r))` deep-equals `r`; `unpackResult(packResult(r, leave),
 * left)` too.
 */
export function unpackResult(frame: Buffer, text?: string): Computed {
  return readFrame(frame).complete(text);
}
