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
  ExportedHead,
  JsonValue,
  VerifyOptions,
  VerifyResult,
} from '../ports/store';
import { AUDIT_ACTIONS } from '../ports/store';
import {
  HEAD_MAC_ABSENT,
  HEAD_MAC_BAD,
  MISMATCH_PREFIX,
  SELECT_COLS,
  compareWithHead,
  samePoint,
} from './chain';
import type { HeadIssue, Row } from './chain';
import { writePrivateFile } from './fileModes';
import { GENESIS_HASH, canonicalJson, chainHash, sha256Hex } from './hash';
import {
  HeadWriter,
  exportHeadMac,
  readHeadFile,
  removeStaleTemp,
  writeHeadFile,
} from './headFile';
import type { ChainPoint, HeadFile } from './headFile';
import { SLICE_MS, runSteps, runStepsCooperatively } from './steps';
import { verifySteps } from './verify';

export { MISMATCH_PREFIX, compareWithHead, verifyChain, walkChain } from './chain';
export type { ChainResult, ChainWalk, HeadIssue } from './chain';

const ACTIONS = new Set<string>(AUDIT_ACTIONS);

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

/** How the audit log treats the head file's keyed MAC. */
export interface HeadKeyOptions {
  /** The head key (kept apart from the data directory), or null to write and check no MAC. */
  key: Buffer | null;
  /**
   * Accept, once, a head file that carries no MAC although a key is set, and re-write it with
   * one. True only for the open that upgraded the database to schema v6, when the head file
   * was necessarily written without a key; at any other open a MAC-less head is reported.
   */
  adoptUnkeyedHead: boolean;
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
  private readonly tsStmt: Database.Statement;
  private readonly tx: Database.Transaction<(work: () => unknown) => unknown>;
  private issue: HeadIssue | null = null;
  private readonly headWriter: HeadWriter;
  private readonly key: Buffer | null;
  /** Count of post-commit head rewrites that failed (harmless: `pending` covers them). */
  head_write_failures = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly dir: string,
    private readonly now: () => number,
    private readonly keyOptions: HeadKeyOptions = { key: null, adoptUnkeyedHead: false },
  ) {
    this.key = keyOptions.key;
    this.insert = db.prepare(
      `INSERT INTO audit_events (${SELECT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.lastStmt = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    this.existsStmt = db.prepare('SELECT 1 FROM audit_events WHERE seq = ?').pluck();
    this.tsStmt = db.prepare('SELECT ts FROM audit_events WHERE seq = ?').pluck();
    this.tx = db.transaction((work: () => unknown) => work());
    this.current = this.readLast();
    this.headWriter = this.recoverHead();
  }

  private readLast(): ChainPoint {
    const row = this.lastStmt.get() as { seq: number; hash: string } | undefined;
    return row ? { seq: row.seq, hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** Writes a fresh head file (counter `counter`, slot 0) and opens the writer on it. */
  private freshHead(last: ChainPoint, counter = 1): HeadWriter {
    writeHeadFile(this.dir, { format: 1, committed: last, pending: null }, counter, this.key);
    return new HeadWriter(this.dir, { counter, slot: 0 }, this.key);
  }

  /**
   * At open: bring the head file in line with the database when the difference is one a
   * crash can cause (last = pending, or a pending that never committed) and its MAC verifies
   * (or it has none on the open that upgraded to v6: it is then re-written with one).
   * Anything else is kept as evidence (`audit-head.mismatch-<stamp>.json`, 0600, reported by
   * verify() until an operator removes it) and the head file is re-based on the database so
   * work can continue.
   */
  private recoverHead(): HeadWriter {
    removeStaleTemp(this.dir);
    const read = readHeadFile(this.dir, this.key);
    const last = this.current;
    if (read.state === 'missing' && last.seq === 0) return this.freshHead(last);
    let macProblem: string | null = null;
    if (read.state === 'ok') {
      const { committed, pending } = read.head;
      const accepted = samePoint(last, committed) || (pending !== null && samePoint(last, pending));
      const adopt = read.mac === 'absent' && this.keyOptions.adoptUnkeyedHead;
      if (read.mac === 'bad') macProblem = HEAD_MAC_BAD;
      else if (read.mac === 'absent' && !adopt) macProblem = HEAD_MAC_ABSENT;
      // Adopted as a whole new file (temp + rename): neither slot keeps the MAC-less record,
      // so a torn write later cannot fall back to it.
      if (accepted && adopt) return this.freshHead(last, read.counter + 1);
      if (accepted && macProblem === null) {
        let w: HeadWriter;
        try {
          w = new HeadWriter(this.dir, read, this.key);
        } catch {
          // Readable but not the current layout (e.g. cut short): rewrite it whole.
          return this.freshHead(last, read.counter);
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
      kind: result.ok ? 'head_mac' : 'head_evidence',
      detected_at,
      first_bad_seq: result.first_bad_seq,
      reason: [result.reason, macProblem].filter((r) => r !== null).join('; ') || 'mismatch',
      evidence_file: evidence,
    };
    const body = {
      ...this.issue,
      database_last: last,
      head_file: read.state === 'ok' ? read.head : read.state === 'invalid' ? read.text : null,
    };
    writePrivateFile(evidence, JSON.stringify(body, null, 2) + '\n');
    return this.freshHead(last);
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

  /** The last committed event, to be saved by the user (see ExportedHead). */
  exportHead(): ExportedHead {
    const { seq, hash } = this.current;
    const ts = seq === 0 ? undefined : (this.tsStmt.get(seq) as string | undefined);
    return {
      format: 'spr-audit-head-export/1',
      seq,
      hash,
      events: seq,
      event_ts: ts ?? null,
      exported_at: new Date(this.now()).toISOString(),
      mac: this.key === null ? null : exportHeadMac(this.key, seq, hash),
    };
  }

  /** Full check at once; see verifySteps. */
  verify(options: VerifyOptions = {}): VerifyResult {
    return runSteps(this.verifySteps(options));
  }

  /**
   * The same check, giving the event loop a turn every `sliceMs` (default ~10 ms): what the
   * HTTP handler runs, so a long check does not stall other requests.
   */
  verifyAsync(options: VerifyOptions = {}, sliceMs = SLICE_MS): Promise<VerifyResult> {
    return runStepsCooperatively(this.verifySteps(options), sliceMs);
  }

  private verifySteps(options: VerifyOptions) {
    const ctx = { db: this.db, dir: this.dir, key: this.key, issue: this.issue };
    return verifySteps({ ...ctx, upTo: this.current.seq }, options);
  }
}

export type { HeadFile };
