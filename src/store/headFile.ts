import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE, tightenFile } from './fileModes';

/** A point in the audit chain: the last event's seq and hash (seq 0 = empty chain). */
export interface ChainPoint {
  seq: number;
  hash: string;
}

/**
 * The audit head kept outside the database, in `<dir>/audit-head.json`.
 *
 * `committed` is the last event known to be committed. `pending` is set only while a write
 * transaction is between "head written" and "COMMIT returned": the head is written with
 * `pending` (durably) before COMMIT and rewritten with `pending: null` after it, so after a
 * crash at any instant the database's last event equals `committed` or `pending`.
 */
export interface HeadFile {
  format: 1;
  committed: ChainPoint;
  pending: ChainPoint | null;
}

export const HEAD_FILE_NAME = 'audit-head.json';
const TMP_SUFFIX = '.tmp';

/**
 * File layout: two 4 KiB slots, each holding one JSON record padded with spaces, arranged so
 * the whole file is also a valid JSON array `[slot0, slot1]`:
 *   bytes 0..4095     '[' + record0 + spaces + ',\n'
 *   bytes 4096..8191  record1 + spaces + ']\n'
 * A record is {format, counter, committed, pending, check, mac?} with
 *   fields = JSON.stringify([format, counter, committed.seq, committed.hash,
 *                            pending?.seq ?? null, pending?.hash ?? null])
 *   check  = SHA-256(fields)                       — detects a torn or garbled slot;
 *   mac    = HMAC-SHA256(key, 'spr-audit-head/1\n' + fields), present when the store has a head
 *            key — detects a record written by anyone who does not hold the key.
 * The key is kept apart from the data directory (src/store/headKey.ts, electron/headKey.ts).
 * The reader picks the slot by `check` and counter only; the MAC is then reported on that
 * record (HeadRead.mac), so a forged record is named as such instead of silently skipped.
 * Writes go in place to slot (counter mod 2) and never change the file size, so a write is one
 * pwrite + fdatasync (≈0.1 ms) instead of temp + fsync + rename (≈0.5–2.5 ms measured here), and
 * a torn write can only damage the slot being written: the reader takes the valid record with
 * the highest counter, which is then the previous head — still a state the database can be in
 * (see docs/methods.md (store), "crash semantics").
 */
const SLOT = 4096;
const FILE_SIZE = 2 * SLOT;

export function headFilePath(dir: string): string {
  return path.join(dir, HEAD_FILE_NAME);
}

const HASH_RE = /^[0-9a-f]{64}$/;

function isPoint(v: unknown): v is ChainPoint {
  if (v === null || typeof v !== 'object') return false;
  const p = v as Record<string, unknown>;
  return (
    typeof p.seq === 'number' &&
    Number.isInteger(p.seq) &&
    p.seq >= 0 &&
    typeof p.hash === 'string' &&
    HASH_RE.test(p.hash)
  );
}

function fields(counter: number, head: HeadFile): string {
  return JSON.stringify([
    head.format,
    counter,
    head.committed.seq,
    head.committed.hash,
    head.pending?.seq ?? null,
    head.pending?.hash ?? null,
  ]);
}

function check(counter: number, head: HeadFile): string {
  return createHash('sha256').update(fields(counter, head)).digest('hex');
}

/** Domain separation: a head MAC can never be mistaken for any other MAC made with the key. */
const MAC_CONTEXT = 'spr-audit-head/1\n';

function headMac(key: Buffer, counter: number, head: HeadFile): string {
  return createHmac('sha256', key)
    .update(MAC_CONTEXT + fields(counter, head))
    .digest('hex');
}

/** Constant-time comparison of two lowercase hex strings. */
export function hexEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

interface Record_ {
  counter: number;
  head: HeadFile;
  /** The record's MAC as stored (64 hex), or null when it carries none. */
  mac: string | null;
}

interface SlotRecord extends Record_ {
  slot: 0 | 1;
}

function parseRecord(text: string): Record_ | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (o.format !== 1 || !isPoint(o.committed)) return null;
  if (o.pending !== null && !isPoint(o.pending)) return null;
  if (typeof o.counter !== 'number' || !Number.isSafeInteger(o.counter) || o.counter < 1) {
    return null;
  }
  const head: HeadFile = { format: 1, committed: o.committed, pending: o.pending };
  if (o.check !== check(o.counter, head)) return null;
  const mac = typeof o.mac === 'string' && HASH_RE.test(o.mac) ? o.mac : null;
  return { counter: o.counter, head, mac };
}

/** What is written into a slot: the head and its counter; the MAC is added when a key is set. */
interface SlotContent {
  counter: number;
  head: HeadFile;
}

function slotBuffer(index: 0 | 1, rec: SlotContent | null, key: Buffer | null): Buffer {
  const body =
    rec === null
      ? 'null'
      : JSON.stringify({
          format: 1,
          counter: rec.counter,
          committed: rec.head.committed,
          pending: rec.head.pending,
          check: check(rec.counter, rec.head),
          ...(key !== null ? { mac: headMac(key, rec.counter, rec.head) } : {}),
        });
  const text = index === 0 ? `[${body}` : body;
  const tail = index === 0 ? ',\n' : ']\n';
  const buf = Buffer.alloc(SLOT, 0x20);
  const n = buf.write(text, 0, 'utf8');
  if (n !== Buffer.byteLength(text) || n > SLOT - tail.length)
    throw new Error('head record too long');
  buf.write(tail, SLOT - tail.length, 'latin1');
  return buf;
}

/** Parses head-file bytes: the valid record with the highest counter, or null. */
export function parseHeadFile(data: Buffer | string): SlotRecord | null {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let best: SlotRecord | null = null;
  for (const i of [0, 1] as const) {
    const region = buf
      .subarray(i * SLOT, (i + 1) * SLOT)
      .toString('utf8')
      .trim();
    let body = region;
    if (i === 0) body = body.replace(/^\[/, '').replace(/,$/, '');
    else body = body.replace(/\]$/, '');
    const rec = parseRecord(body.trim());
    if (rec && (best === null || rec.counter > best.counter)) best = { ...rec, slot: i };
  }
  return best;
}

/**
 * The MAC of the record read: `ok` (verifies with the key), `bad` (present, does not verify),
 * `absent` (the record carries none although a key was given), `unchecked` (no key given).
 */
export type HeadMacState = 'ok' | 'bad' | 'absent' | 'unchecked';

export type HeadRead =
  | { state: 'ok'; head: HeadFile; counter: number; slot: 0 | 1; mac: HeadMacState }
  | { state: 'missing' }
  | { state: 'invalid'; text: string };

function macState(rec: Record_, key: Buffer | null): HeadMacState {
  if (key === null) return 'unchecked';
  if (rec.mac === null) return 'absent';
  return hexEqual(rec.mac, headMac(key, rec.counter, rec.head)) ? 'ok' : 'bad';
}

/** Reads `<dir>/audit-head.json`; with `key`, also checks the chosen record's MAC. */
export function readHeadFile(dir: string, key: Buffer | null = null): HeadRead {
  let data: Buffer;
  try {
    data = fs.readFileSync(headFilePath(dir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    throw e;
  }
  const rec = parseHeadFile(data);
  return rec
    ? { state: 'ok', head: rec.head, counter: rec.counter, slot: rec.slot, mac: macState(rec, key) }
    : { state: 'invalid', text: data.toString('utf8').trim().slice(0, 2000) };
}

/**
 * Creates (or replaces) the head file atomically: write `<file>.tmp` with the head in slot 0
 * (counter `counter`) and an empty slot 1, fsync, rename over the file, fsync the directory
 * (skipped on Windows, where directories cannot be fsynced). Used when the file is created and
 * when it is re-based after a mismatch; routine updates use HeadWriter. Mode 0600; the record
 * carries a MAC when `key` is given.
 */
export function writeHeadFile(
  dir: string,
  head: HeadFile,
  counter = 1,
  key: Buffer | null = null,
): void {
  const target = headFilePath(dir);
  const tmp = target + TMP_SUFFIX;
  const fd = fs.openSync(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    tightenFile(tmp);
    fs.writeSync(fd, slotBuffer(0, { counter, head }, key));
    fs.writeSync(fd, slotBuffer(1, null, key));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
  fsyncDir(dir);
}

function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Removes a temp file left by a crash during writeHeadFile (it never holds the truth). */
export function removeStaleTemp(dir: string): void {
  fs.rmSync(headFilePath(dir) + TMP_SUFFIX, { force: true });
}

/**
 * Keeps the head file open and updates it in place, always into the slot that does NOT hold
 * the current record (so a torn write leaves the current one intact). `durable` adds an
 * fdatasync (the file size never changes, so no metadata needs flushing). Every record it
 * writes carries a MAC when `key` is given. Opening it tightens the file to 0600.
 */
export class HeadWriter {
  private fd: number;
  private counter: number;
  private slot: 0 | 1;

  /** `current` = the record now in the file (from readHeadFile, or slot 0 after writeHeadFile). */
  constructor(
    dir: string,
    current: { counter: number; slot: 0 | 1 },
    private readonly key: Buffer | null = null,
  ) {
    const file = headFilePath(dir);
    tightenFile(file);
    this.fd = fs.openSync(file, 'r+');
    this.counter = current.counter;
    this.slot = current.slot;
    if (fs.fstatSync(this.fd).size !== FILE_SIZE) {
      fs.closeSync(this.fd);
      throw new Error(`${file} has an unexpected size`);
    }
  }

  write(head: HeadFile, durable: boolean): void {
    const next = this.counter + 1;
    const slot: 0 | 1 = this.slot === 0 ? 1 : 0;
    fs.writeSync(
      this.fd,
      slotBuffer(slot, { counter: next, head }, this.key),
      0,
      SLOT,
      slot * SLOT,
    );
    this.counter = next;
    this.slot = slot;
    if (durable) fs.fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** Domain separation for exported heads (ExportedHead.mac). */
const EXPORT_CONTEXT = 'spr-audit-head-export/1\n';

/**
 * MAC of an exported head: HMAC-SHA256(key, 'spr-audit-head-export/1\n' + JSON.stringify([seq,
 * hash])), lowercase hex. Lets verify tell that an export was made by this installation.
 */
export function exportHeadMac(key: Buffer, seq: number, hash: string): string {
  return createHmac('sha256', key)
    .update(EXPORT_CONTEXT + JSON.stringify([seq, hash]))
    .digest('hex');
}
