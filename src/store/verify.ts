import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { KnownHead, VerifyOptions, VerifyResult } from '../ports/store';
import {
  HEAD_MAC_ABSENT,
  HEAD_MAC_BAD,
  MISMATCH_PREFIX,
  compareWithHead,
  walkChainSteps,
} from './chain';
import type { HeadIssue } from './chain';
import { exportHeadMac, hexEqual, readHeadFile } from './headFile';
import { ProblemList } from './problems';
import type { Steps } from './steps';
import { checkRuns } from './verifyRuns';
import { checkBatches } from './verifyBatches';
import { checkVersions } from './verifyVersions';

/** What verifySteps needs from the open store. */
export interface VerifyContext {
  db: Database.Database;
  dir: string;
  /** The head key, or null when the store was opened without one. */
  key: Buffer | null;
  /** The head mismatch found when this session opened the store, if any. */
  issue: HeadIssue | null;
  /**
   * The last committed seq when the check starts: the walk stops there, so events appended
   * while a cooperative check pauses are outside its snapshot (they are appended atomically
   * with their rows, so the run checks cannot see half of a write either).
   */
  upTo: number;
}

/**
 * The full integrity check behind `GET /api/audit/verify`, in this order:
 * 1. the hash chain (walkChain), then its end against the head file (compareWithHead);
 * 2. the head file's MAC, when the store has a key;
 * 3. a head mismatch found at open — this session's, or evidence files left by earlier ones;
 * 4. a previously exported head (`known_head`): the chain must still hold that exact event;
 * 5. every stored run against its audit events (checkRuns);
 * 6. every model, account and price series version against its event (checkVersions);
 * 7. every batch against its events, and each batch item's run against its own (checkBatches).
 * Every finding is a problem; `ok` is true only without any. `first_bad_seq`/`reason` keep
 * their earlier meaning: the chain's (or head's) first bad seq, and the first problem's text.
 * Memory is bounded (pages; at most 100 problems listed). Run it with runSteps (at once) or
 * runStepsCooperatively (yielding to the event loop every ~10 ms).
 */
export function* verifySteps(ctx: VerifyContext, options: VerifyOptions = {}): Steps<VerifyResult> {
  const problems = new ProblemList();
  // Read in the same turn as ctx.upTo was taken: the head file matches that snapshot.
  const head = readHeadFile(ctx.dir, ctx.key);
  const walk = yield* walkChainSteps(ctx.db, ctx.upTo);
  let firstBad: number | null = null;
  if (walk.bad !== null) {
    firstBad = walk.bad.first_bad_seq;
    problems.add({ kind: 'chain', seq: firstBad, message: walk.bad.reason });
  }
  if (walk.bad === null) {
    const h = compareWithHead(walk.events, walk.last, head);
    if (!h.ok) {
      firstBad = h.first_bad_seq;
      problems.add({
        kind: 'head',
        ...(h.first_bad_seq !== null ? { seq: h.first_bad_seq } : {}),
        message: h.reason ?? 'the audit head file does not match the chain',
      });
    }
  }
  if (head.state === 'ok' && head.mac === 'bad') {
    problems.add({ kind: 'head_mac', message: HEAD_MAC_BAD });
  } else if (head.state === 'ok' && head.mac === 'absent') {
    problems.add({ kind: 'head_mac', message: HEAD_MAC_ABSENT });
  }
  const evidence = openIssue(ctx);
  if (evidence !== null) {
    firstBad ??= evidence.first_bad_seq;
    problems.add({
      kind: evidence.kind,
      ...(evidence.first_bad_seq !== null ? { seq: evidence.first_bad_seq } : {}),
      message: evidence.reason,
    });
  }
  if (options.known_head !== undefined) checkKnownHead(ctx, options.known_head, problems);
  const runs_checked = yield* checkRuns(ctx.db, problems);
  // Models, accounts and price series (schema v8) against their events, as runs above.
  yield* checkVersions(ctx.db, problems);
  // Batches (schema v9): definition, end and the run of each item, against their events.
  yield* checkBatches(ctx.db, problems);
  return {
    ok: problems.total === 0,
    events: walk.events,
    first_bad_seq: firstBad,
    reason: problems.items[0]?.message ?? null,
    runs_checked,
    head_keyed: ctx.key !== null,
    problems: problems.items,
    problems_total: problems.total,
  };
}

/**
 * A head mismatch found at open: this session's, else the oldest evidence file an earlier
 * session left (`audit-head.mismatch-*.json`, reported until an operator removes it).
 */
function openIssue(
  ctx: VerifyContext,
): Pick<HeadIssue, 'kind' | 'first_bad_seq' | 'reason'> | null {
  if (ctx.issue) {
    return {
      kind: ctx.issue.kind,
      first_bad_seq: ctx.issue.first_bad_seq,
      reason: `at open: ${ctx.issue.reason} (evidence: ${path.basename(ctx.issue.evidence_file)})`,
    };
  }
  const first = fs
    .readdirSync(ctx.dir)
    .filter((f) => f.startsWith(MISMATCH_PREFIX))
    .sort()[0];
  if (first === undefined) return null;
  let firstBad: number | null = null;
  let kind: HeadIssue['kind'] = 'head_evidence';
  let reason = 'audit head mismatch recorded by an earlier session';
  try {
    const body = JSON.parse(fs.readFileSync(path.join(ctx.dir, first), 'utf8')) as {
      kind?: unknown;
      first_bad_seq?: unknown;
      reason?: unknown;
      detected_at?: unknown;
    };
    if (body.kind === 'head_mac') kind = 'head_mac';
    if (typeof body.first_bad_seq === 'number') firstBad = body.first_bad_seq;
    if (typeof body.reason === 'string') {
      reason = `at open on ${String(body.detected_at)}: ${body.reason}`;
    }
  } catch {
    // keep the generic reason
  }
  return {
    kind,
    first_bad_seq: firstBad,
    reason: `${reason} (evidence: ${first}; remove it once reviewed)`,
  };
}

/**
 * The chain must still contain the exported event: same seq, same hash. A missing seq means
 * events were removed (or the whole data directory rolled back to an older copy); a different
 * hash means the chain was rewritten at or before it.
 */
function checkKnownHead(ctx: VerifyContext, known: KnownHead, problems: ProblemList): void {
  if (known.mac !== undefined && ctx.key !== null) {
    if (!hexEqual(known.mac, exportHeadMac(ctx.key, known.seq, known.hash))) {
      problems.add({
        kind: 'known_head',
        seq: known.seq,
        message:
          `the exported head (seq ${known.seq}) carries a MAC that does not verify with this ` +
          "installation's head key: it was not exported by this installation, or was edited",
      });
    }
  }
  if (known.seq === 0) return;
  const stored = ctx.db
    .prepare('SELECT hash FROM audit_events WHERE seq = ?')
    .pluck()
    .get(known.seq) as string | undefined;
  if (stored === undefined) {
    const last = ctx.db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number | null;
    problems.add({
      kind: 'known_head',
      seq: known.seq,
      message:
        `the chain no longer contains the exported head (seq ${known.seq}; its last event is seq ` +
        `${last ?? 0}): events were removed, or the data directory was rolled back to an older copy`,
    });
  } else if (!hexEqual(stored, known.hash)) {
    problems.add({
      kind: 'known_head',
      seq: known.seq,
      message:
        `event seq ${known.seq} differs from the exported head (hash ${stored.slice(0, 12)}…, ` +
        `exported ${known.hash.slice(0, 12)}…): the chain was rewritten at or before seq ${known.seq}`,
    });
  }
}
