import type Database from 'better-sqlite3';
import type { VerifyResult } from '../ports/store';
import { GENESIS_HASH, chainHash, sha256Hex } from './hash';
import type { ChainPoint, HeadRead } from './headFile';
import { runSteps } from './steps';
import type { Steps } from './steps';

/**
 * The hash chain on its own: walking `audit_events` and comparing its end with the head file.
 * No writes, no files: SqliteAuditLog and verifySteps build on it.
 */

/** The chain-and-head part of a VerifyResult (what verifyChain and compareWithHead return). */
export type ChainResult = Pick<VerifyResult, 'ok' | 'events' | 'first_bad_seq' | 'reason'>;
export const MISMATCH_PREFIX = 'audit-head.mismatch-';

/** One audit_events row in SELECT_COLS order (raw mode). */
export type Row = [number, string, string, string, string, string, string, string, string];

export const SELECT_COLS =
  'seq, ts, actor, action, subject, payload_json, payload_hash, prev_hash, hash';

/**
 * Events read per page by the chain walk: bounded memory whatever the log's length, and one
 * page is one step of a cooperative verify (measured ≈ 5–12 ms for 250 events of a store whose
 * runs' JSON is interleaved with the events in the file; 1,000 took up to 50 ms).
 */
export const CHAIN_PAGE = 250;

/** Outcome of walking the chain alone: its last valid point, and the first break if any. */
export interface ChainWalk {
  /** Events that passed before the first break (all of them when `bad` is null). */
  events: number;
  last: ChainPoint;
  bad: { first_bad_seq: number; reason: string } | null;
}

/**
 * Walks `audit_events` in seq order, in pages of CHAIN_PAGE, and checks for every event k:
 *   seq_k = k (contiguous from 1);  payload_hash_k = SHA-256(payload_json_k);
 *   prev_hash_k = hash_{k−1} (hash_0 = 64 zeros);
 *   hash_k = SHA-256(JSON.stringify([seq, ts, actor, action, subject, payload_hash, prev_hash])).
 * Stops at the first event that fails. `upTo` ends the walk at that seq (verify's snapshot:
 * events appended while a cooperative verify runs are not part of it).
 */
export function walkChain(db: Database.Database, upTo = Number.MAX_SAFE_INTEGER): ChainWalk {
  return runSteps(walkChainSteps(db, upTo));
}

/** walkChain as steps: one step per 50 events (a page read is part of the next step). */
export function* walkChainSteps(db: Database.Database, upTo: number): Steps<ChainWalk> {
  const page = db
    .prepare(
      `SELECT ${SELECT_COLS} FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
    )
    .raw(true);
  let expected = 1;
  let prev = GENESIS_HASH;
  let after = 0;
  for (;;) {
    const rows = page.all(after, upTo, CHAIN_PAGE) as Row[];
    for (const r of rows) {
      const reason = checkEvent(r, expected, prev);
      if (reason !== null) {
        return {
          events: expected - 1,
          last: { seq: expected - 1, hash: prev },
          bad: { first_bad_seq: expected, reason },
        };
      }
      prev = r[8];
      expected++;
      // Hashing is the costly part: a step every 50 events keeps each one ≈ 1–2 ms.
      if (expected % 50 === 0) yield;
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < CHAIN_PAGE) break;
    after = last[0];
  }
  return { events: expected - 1, last: { seq: expected - 1, hash: prev }, bad: null };
}

/** Why event `r` cannot be event number `expected` after `prev`, or null when it can. */
function checkEvent(r: Row, expected: number, prev: string): string | null {
  const seq = r[0];
  if (seq !== expected) {
    return seq > expected
      ? `seq ${expected} is missing (the next stored event is seq ${seq})`
      : `seq ${seq} is out of order (expected ${expected})`;
  }
  if (sha256Hex(r[5]) !== r[6]) return `seq ${seq}: payload_hash does not match payload_json`;
  if (r[7] !== prev) {
    return seq === 1
      ? 'seq 1: prev_hash is not the genesis value (64 zeros)'
      : `seq ${seq}: prev_hash does not match the hash of seq ${seq - 1}`;
  }
  if (chainHash(seq, r[1], r[2], r[3], r[4], r[6], r[7]) !== r[8]) {
    return `seq ${seq}: hash does not match the event's contents`;
  }
  return null;
}

/**
 * The chain walk (walkChain), then the end of the chain (n, hash_n) compared with the head kept
 * outside the database: it must equal `committed`, or `pending` (a crash between COMMIT and
 * the head rewrite). `head` missing is only valid for an empty chain.
 * Pure with respect to files: the caller reads the head (tests pass in-memory copies).
 */
export function verifyChain(db: Database.Database, head: HeadRead): ChainResult {
  const walk = walkChain(db);
  if (walk.bad !== null) {
    return { ok: false, events: walk.events, ...walk.bad };
  }
  return compareWithHead(walk.events, walk.last, head);
}

export function samePoint(a: ChainPoint, b: ChainPoint): boolean {
  return a.seq === b.seq && a.hash === b.hash;
}

/** Compares the chain's last point with the head file; `events` = n. */
export function compareWithHead(events: number, last: ChainPoint, head: HeadRead): ChainResult {
  const ok: ChainResult = { ok: true, events, first_bad_seq: null, reason: null };
  const fail = (first_bad_seq: number | null, reason: string): ChainResult => ({
    ok: false,
    events,
    first_bad_seq,
    reason,
  });
  if (head.state === 'missing') {
    return last.seq === 0
      ? ok
      : fail(null, `the audit head file is missing but the chain has ${last.seq} events`);
  }
  if (head.state === 'invalid') return fail(null, 'the audit head file is not valid');
  const { committed, pending } = head.head;
  if (samePoint(last, committed) || (pending !== null && samePoint(last, pending))) return ok;
  const known = pending !== null && pending.seq > committed.seq ? pending : committed;
  if (last.seq < committed.seq) {
    return fail(
      last.seq + 1,
      `the chain ends at seq ${last.seq} but the head file records seq ${committed.seq}: ` +
        `events ${last.seq + 1}..${committed.seq} were removed`,
    );
  }
  if (last.seq > known.seq) {
    return fail(
      known.seq + 1,
      `the chain has events after seq ${known.seq}, the last one the head file records; ` +
        `seq ${known.seq + 1}..${last.seq} were not written by the store`,
    );
  }
  return fail(
    null,
    `the hash of seq ${last.seq} differs from the head file: the chain was rewritten at or before seq ${last.seq}`,
  );
}

/** Why a head file's MAC is refused (at open and by verify). */
export const HEAD_MAC_BAD =
  "the audit head file's MAC does not verify with this installation's head key: the file was " +
  'written without the key (edited or replaced), or with another key (another machine, a lost ' +
  'key file, or the other app mode)';
export const HEAD_MAC_ABSENT =
  'the audit head file carries no MAC although the store has a head key: it was written by ' +
  'something that does not hold the key (or the store was opened without its key)';

/** What the store found at open when it compared the database with the head file. */
export interface HeadIssue {
  /** `head_mac` when the head matched the chain and only its MAC failed; else `head_evidence`. */
  kind: 'head_mac' | 'head_evidence';
  detected_at: string;
  first_bad_seq: number | null;
  reason: string;
  evidence_file: string;
}
