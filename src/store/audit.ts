import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { EngineError } from '../contract/common';
import type { ErrorDetail } from '../contract/common';
import type {
  AuditAction,
  AuditEvent,
  AuditEventInput,
  AuditListQuery,
  AuditLog,
  CorrectionInput,
  JsonValue,
  VerifyResult,
} from '../ports/store';
import { AUDIT_ACTIONS } from '../ports/store';
import { GENESIS_HASH, canonicalJson, chainHash, sha256Hex } from './hash';
import { HeadWriter, readHeadFile, removeStaleTemp, writeHeadFile } from './headFile';
import type { ChainPoint, HeadFile, HeadRead } from './headFile';

const ACTIONS = new Set<string>(AUDIT_ACTIONS);
export const MISMATCH_PREFIX = 'audit-head.mismatch-';

/** An event validated and serialized, waiting for its seq and hashes. */
export interface PreparedEvent {
  actor: string;
  action: AuditAction;
  subject: string;
  payload_json: string;
  payload_hash: string;
}

/** Validates one input event; collects every problem under `path`. */
export function prepareEvent(
  input: AuditEventInput,
  pathPrefix: string,
  details: ErrorDetail[],
): PreparedEvent | null {
  const n = details.length;
  const at = (f: string) => (pathPrefix ? `${pathPrefix}.${f}` : f);
  if (typeof input.actor !== 'string' || input.actor.length < 1 || input.actor.length > 200) {
    details.push({ path: at('actor'), message: 'must be a string of 1..200 characters' });
  }
  if (!ACTIONS.has(input.action)) {
    details.push({ path: at('action'), message: `must be one of ${AUDIT_ACTIONS.join(', ')}` });
  }
  if (typeof input.subject !== 'string' || input.subject.length > 500) {
    details.push({ path: at('subject'), message: 'must be a string of at most 500 characters' });
  }
  let payload_json = '{}';
  if (input.payload_json !== undefined) {
    if (typeof input.payload_json !== 'string' || !isJson(input.payload_json)) {
      details.push({ path: at('payload_json'), message: 'must be valid JSON text' });
    } else {
      payload_json = input.payload_json;
    }
  } else if (input.payload !== undefined) {
    try {
      payload_json = canonicalJson(input.payload);
    } catch (e) {
      details.push({ path: at('payload'), message: (e as Error).message });
    }
  }
  if (details.length > n) return null;
  return {
    actor: input.actor,
    action: input.action,
    subject: input.subject,
    payload_json,
    payload_hash: sha256Hex(payload_json),
  };
}

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

type Row = [number, string, string, string, string, string, string, string, string];

function rowToEvent(r: Row): AuditEvent {
  return {
    seq: r[0],
    ts: r[1],
    actor: r[2],
    action: r[3] as AuditAction,
    subject: r[4],
    payload_json: r[5],
    payload_hash: r[6],
    prev_hash: r[7],
    hash: r[8],
  };
}

const SELECT_COLS = 'seq, ts, actor, action, subject, payload_json, payload_hash, prev_hash, hash';

/**
 * Walks `audit_events` in seq order and checks, for every event k:
 *   seq_k = k (contiguous from 1);  payload_hash_k = SHA-256(payload_json_k);
 *   prev_hash_k = hash_{k−1} (hash_0 = 64 zeros);
 *   hash_k = SHA-256(JSON.stringify([seq, ts, actor, action, subject, payload_hash, prev_hash])).
 * Then compares the end of the chain (n, hash_n) with the head kept outside the database:
 * it must equal `committed`, or `pending` (a crash between COMMIT and the head rewrite).
 * `head` null means "no head file"; that is only valid for an empty chain.
 * Pure with respect to files: the caller reads the head (tests pass in-memory copies).
 */
export function verifyChain(db: Database.Database, head: HeadRead): VerifyResult {
  const stmt = db.prepare(`SELECT ${SELECT_COLS} FROM audit_events ORDER BY seq`).raw(true);
  let expected = 1;
  let prev = GENESIS_HASH;
  for (const raw of stmt.iterate()) {
    const r = raw as Row;
    const seq = r[0];
    const bad = (reason: string): VerifyResult => ({
      ok: false,
      events: expected - 1,
      first_bad_seq: expected,
      reason,
    });
    if (seq !== expected) {
      return bad(
        seq > expected
          ? `seq ${expected} is missing (the next stored event is seq ${seq})`
          : `seq ${seq} is out of order (expected ${expected})`,
      );
    }
    if (sha256Hex(r[5]) !== r[6])
      return bad(`seq ${seq}: payload_hash does not match payload_json`);
    if (r[7] !== prev) {
      return bad(
        seq === 1
          ? 'seq 1: prev_hash is not the genesis value (64 zeros)'
          : `seq ${seq}: prev_hash does not match the hash of seq ${seq - 1}`,
      );
    }
    if (chainHash(seq, r[1], r[2], r[3], r[4], r[6], r[7]) !== r[8]) {
      return bad(`seq ${seq}: hash does not match the event's contents`);
    }
    prev = r[8];
    expected++;
  }
  const n = expected - 1;
  return compareWithHead(n, { seq: n, hash: prev }, head);
}

function samePoint(a: ChainPoint, b: ChainPoint): boolean {
  return a.seq === b.seq && a.hash === b.hash;
}

/** Compares the chain's last point with the head file; `events` = n. */
export function compareWithHead(events: number, last: ChainPoint, head: HeadRead): VerifyResult {
  const ok: VerifyResult = { ok: true, events, first_bad_seq: null, reason: null };
  const fail = (first_bad_seq: number | null, reason: string): VerifyResult => ({
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

/** What the store found at open when it compared the database with the head file. */
export interface HeadIssue {
  detected_at: string;
  first_bad_seq: number | null;
  reason: string;
  evidence_file: string;
}

/**
 * The audit log over one connection, plus the write protocol shared by every repository:
 * `write(work)` runs `work` in one IMMEDIATE transaction in which `work` may append events
 * (appendInTx); before COMMIT the head file is written with the new head as `pending`, after
 * COMMIT with it as `committed`. Returns only after COMMIT.
 */
export class SqliteAuditLog implements AuditLog {
  private current: ChainPoint;
  /** Head of the events appended inside the open transaction (null outside one). */
  private tentative: ChainPoint | null = null;
  private txTs = '';
  private readonly insert: Database.Statement;
  private readonly lastStmt: Database.Statement;
  private readonly existsStmt: Database.Statement;
  private readonly tx: Database.Transaction<(work: () => unknown) => unknown>;
  private issue: HeadIssue | null = null;
  private readonly headWriter: HeadWriter;
  /** Count of post-commit head rewrites that failed (harmless: `pending` covers them). */
  head_write_failures = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly dir: string,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit_events (${SELECT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.lastStmt = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    this.existsStmt = db.prepare('SELECT 1 FROM audit_events WHERE seq = ?').pluck();
    this.tx = db.transaction((work: () => unknown) => work());
    this.current = this.readLast();
    this.headWriter = this.recoverHead();
  }

  private readLast(): ChainPoint {
    const row = this.lastStmt.get() as { seq: number; hash: string } | undefined;
    return row ? { seq: row.seq, hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * At open: bring the head file in line with the database when the difference is one a
   * crash can cause (last = pending, or a pending that never committed). Anything else is kept
   * as evidence (`audit-head.mismatch-<stamp>.json`, reported by verify() until an operator
   * removes it) and the head file is re-based on the database so work can continue.
   */
  private recoverHead(): HeadWriter {
    removeStaleTemp(this.dir);
    const read = readHeadFile(this.dir);
    const last = this.current;
    if (read.state === 'missing' && last.seq === 0) {
      writeHeadFile(this.dir, { format: 1, committed: last, pending: null });
      return new HeadWriter(this.dir, { counter: 1, slot: 0 });
    }
    if (read.state === 'ok') {
      const { committed, pending } = read.head;
      const accepted = samePoint(last, committed) || (pending !== null && samePoint(last, pending));
      if (accepted) {
        let w: HeadWriter;
        try {
          w = new HeadWriter(this.dir, read);
        } catch {
          // Readable but not the current layout (e.g. cut short): rewrite it whole.
          writeHeadFile(this.dir, { format: 1, committed: last, pending: null }, read.counter);
          return new HeadWriter(this.dir, { counter: read.counter, slot: 0 });
        }
        if (pending !== null) w.write({ format: 1, committed: last, pending: null }, true);
        return w;
      }
    }
    const result = compareWithHead(last.seq, last, read);
    const detected_at = new Date(this.now()).toISOString();
    const evidence = path.join(
      this.dir,
      `${MISMATCH_PREFIX}${detected_at.replace(/[-:.]/g, '')}.json`,
    );
    this.issue = {
      detected_at,
      first_bad_seq: result.first_bad_seq,
      reason: result.reason ?? 'audit head mismatch',
      evidence_file: evidence,
    };
    const body = {
      ...this.issue,
      database_last: last,
      head_file: read.state === 'ok' ? read.head : read.state === 'invalid' ? read.text : null,
    };
    fs.writeFileSync(evidence, JSON.stringify(body, null, 2) + '\n');
    writeHeadFile(this.dir, { format: 1, committed: last, pending: null });
    return new HeadWriter(this.dir, { counter: 1, slot: 0 });
  }

  /** Runs `work` in one write transaction; see the class comment. */
  write<T>(work: () => T): T {
    if (this.tentative !== null) throw new Error('nested audit write transaction');
    const before = this.current;
    this.txTs = new Date(this.now()).toISOString();
    let after: ChainPoint = before;
    let result: T;
    try {
      result = this.tx.immediate(() => {
        this.tentative = before;
        const value = work();
        after = this.tentative ?? before;
        if (after.seq !== before.seq) {
          // Durable before COMMIT (file + directory fsync): a crash from here on leaves the
          // database at `before` (= committed) or `after` (= pending); both are accepted.
          this.headWriter.write({ format: 1, committed: before, pending: after }, true);
        }
        return value;
      }) as T;
    } finally {
      this.tentative = null;
    }
    // Reached only after COMMIT returned.
    if (after.seq !== before.seq) {
      this.current = after;
      try {
        this.headWriter.write({ format: 1, committed: after, pending: null }, false);
      } catch {
        this.head_write_failures++;
      }
    }
    return result;
  }

  /** Appends inside `write`. Returns the events with their seq and hashes. */
  appendInTx(events: readonly PreparedEvent[]): AuditEvent[] {
    const t = this.tentative;
    if (t === null) throw new Error('appendInTx outside write()');
    let seq = t.seq;
    let prev = t.hash;
    const ts = this.txTs;
    const out: AuditEvent[] = [];
    for (const e of events) {
      seq++;
      const hash = chainHash(seq, ts, e.actor, e.action, e.subject, e.payload_hash, prev);
      this.insert.run(
        seq,
        ts,
        e.actor,
        e.action,
        e.subject,
        e.payload_json,
        e.payload_hash,
        prev,
        hash,
      );
      out.push({ seq, ts, ...e, prev_hash: prev, hash });
      prev = hash;
    }
    this.tentative = { seq, hash: prev };
    return out;
  }

  /** Timestamp shared by every row written in the current transaction. */
  txTimestamp(): string {
    return this.txTs;
  }

  append(events: AuditEventInput | readonly AuditEventInput[]): AuditEvent[] {
    const list: readonly AuditEventInput[] = Array.isArray(events)
      ? (events as readonly AuditEventInput[])
      : [events as AuditEventInput];
    const details: ErrorDetail[] = [];
    const single = !Array.isArray(events);
    const prepared: PreparedEvent[] = [];
    list.forEach((e, i) => {
      const p = prepareEvent(e, single ? '' : String(i), details);
      if (p) prepared.push(p);
    });
    if (details.length > 0) throw new EngineError('BAD_REQUEST', 'invalid audit event', details);
    if (prepared.length === 0) return [];
    return this.write(() => this.appendInTx(prepared));
  }

  correct(input: CorrectionInput): AuditEvent {
    const details: ErrorDetail[] = [];
    if (!Number.isInteger(input.corrects_seq) || input.corrects_seq < 1) {
      details.push({ path: 'corrects_seq', message: 'must be an integer >= 1' });
    } else if (this.existsStmt.get(input.corrects_seq) === undefined) {
      details.push({
        path: 'corrects_seq',
        message: `no audit event has seq ${input.corrects_seq}`,
      });
    }
    if (typeof input.reason !== 'string' || input.reason.trim().length === 0) {
      details.push({ path: 'reason', message: 'must not be empty' });
    }
    const payload: { [key: string]: JsonValue } = {
      corrects_seq: input.corrects_seq,
      reason: input.reason,
    };
    if (input.detail !== undefined) payload.detail = input.detail;
    const p = prepareEvent(
      {
        actor: input.actor,
        action: 'audit.correction',
        subject: `audit:${input.corrects_seq}`,
        payload,
      },
      '',
      details,
    );
    if (details.length > 0 || p === null) {
      throw new EngineError('BAD_REQUEST', 'invalid audit correction', details);
    }
    const [event] = this.write(() => this.appendInTx([p]));
    if (!event) throw new Error('correction was not appended');
    return event;
  }

  list(query: AuditListQuery = {}): AuditEvent[] {
    const after = query.after_seq ?? 0;
    const limit = query.limit ?? 100;
    const details: ErrorDetail[] = [];
    if (!Number.isInteger(after) || after < 0) {
      details.push({ path: 'after_seq', message: 'must be an integer >= 0' });
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      details.push({ path: 'limit', message: 'must be an integer in 1..1000' });
    }
    if (details.length > 0) throw new EngineError('BAD_REQUEST', 'invalid audit query', details);
    const rows =
      query.subject === undefined
        ? this.listStmt().all(after, limit)
        : this.listBySubjectStmt().all(query.subject, after, limit);
    return (rows as Row[]).map(rowToEvent);
  }

  private listS: Database.Statement | null = null;
  private listBySubjectS: Database.Statement | null = null;
  private listStmt(): Database.Statement {
    return (this.listS ??= this.db
      .prepare(`SELECT ${SELECT_COLS} FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?`)
      .raw(true));
  }
  private listBySubjectStmt(): Database.Statement {
    return (this.listBySubjectS ??= this.db
      .prepare(
        `SELECT ${SELECT_COLS} FROM audit_events WHERE subject = ? AND seq > ? ORDER BY seq LIMIT ?`,
      )
      .raw(true));
  }

  /** Releases the head file handle (the Store closes the database). */
  close(): void {
    this.headWriter.close();
  }

  head(): { seq: number; hash: string } {
    return { ...this.current };
  }

  /**
   * Full check: the chain walk and the head file (verifyChain), then any head mismatch found
   * at open (this session) or kept as evidence by an earlier session.
   */
  verify(): VerifyResult {
    const result = verifyChain(this.db, readHeadFile(this.dir));
    if (!result.ok) return result;
    if (this.issue) {
      return {
        ok: false,
        events: result.events,
        first_bad_seq: this.issue.first_bad_seq,
        reason: `at open: ${this.issue.reason} (evidence: ${path.basename(this.issue.evidence_file)})`,
      };
    }
    const evidence = fs
      .readdirSync(this.dir)
      .filter((f) => f.startsWith(MISMATCH_PREFIX))
      .sort();
    const first = evidence[0];
    if (first !== undefined) {
      let firstBad: number | null = null;
      let reason = 'audit head mismatch recorded by an earlier session';
      try {
        const body = JSON.parse(fs.readFileSync(path.join(this.dir, first), 'utf8')) as {
          first_bad_seq?: unknown;
          reason?: unknown;
          detected_at?: unknown;
        };
        if (typeof body.first_bad_seq === 'number') firstBad = body.first_bad_seq;
        if (typeof body.reason === 'string') {
          reason = `at open on ${String(body.detected_at)}: ${body.reason}`;
        }
      } catch {
        // keep the generic reason
      }
      return {
        ok: false,
        events: result.events,
        first_bad_seq: firstBad,
        reason: `${reason} (evidence: ${first}; remove it once reviewed)`,
      };
    }
    return result;
  }
}

export type { HeadFile };
