/**
 * Pure wording for the Audit view's verify result and head export (no React, no I/O, so the unit
 * tests in test/unit/renderer/audit-problems.test.ts read the same text the page shows).
 * The problem kinds and what they mean: src/store/verify.ts and src/store/verifyRuns.ts.
 */
import type { RpcError } from '../../src/contract/common';
import type { OpOutput } from '../../src/contract/operations';

export type Verification = OpOutput<'verifyAudit'>;
export type VerifyProblem = Verification['problems'][number];
export type ProblemKind = VerifyProblem['kind'];
export type ExportedHead = OpOutput<'exportAuditHead'>;

/** What each kind of problem means, in a PM's words. */
export const PROBLEM_KIND_TEXT: Record<ProblemKind, string> = {
  chain: 'chain broken',
  head: 'head file does not match the chain',
  head_mac: 'head file signature does not verify',
  head_evidence: 'head mismatch found at an earlier start',
  known_head: 'exported head no longer in the chain',
  run_without_event: 'run has no audit record',
  event_without_run: 'audit record names a missing run',
  run_mismatch: 'run differs from its audit record',
  run_unbound: 'run not fully covered by its audit record',
  duplicate_event: 'run has a duplicate audit record',
  record_without_event: 'model, account or price series version has no audit record',
  event_without_record: 'audit record names a missing model, account or price series version',
  record_mismatch: 'model, account or price series version differs from its audit record',
};

/** The plain words of a kind; an unknown kind (a newer engine) is shown as it came. */
export function kindText(kind: string): string {
  return (PROBLEM_KIND_TEXT as Record<string, string>)[kind] ?? kind.replace(/_/g, ' ');
}

/** One row of the problems table, as text. */
export interface ProblemRow {
  key: string;
  kind: string;
  kindText: string;
  /** "#12", or "" when the problem names no event. */
  seq: string;
  /** The run concerned, or null. */
  runId: string | null;
  /** Whether the run is stored (so it can be opened): not for an audit record naming a missing run. */
  runStored: boolean;
  /** "output_json, status", or "" when no field is named. */
  fields: string;
  message: string;
}

export function problemRows(problems: readonly VerifyProblem[]): ProblemRow[] {
  return problems.map((p, i) => ({
    key: `${i}-${p.kind}-${p.seq ?? ''}-${p.run_id ?? ''}`,
    kind: p.kind,
    kindText: kindText(p.kind),
    seq: p.seq !== undefined ? `#${p.seq}` : '',
    runId: p.run_id ?? null,
    runStored: p.run_id !== undefined && p.kind !== 'event_without_run',
    fields: (p.fields ?? []).join(', '),
    message: p.message,
  }));
}

/** "and 5 more" when the engine listed fewer problems than it found; else null. */
export function moreText(v: Pick<Verification, 'problems' | 'problems_total'>): string | null {
  const more = v.problems_total - v.problems.length;
  return more > 0 ? `and ${more} more` : null;
}

/** "Problems found: 3" (counting those beyond the list). */
export function problemCount(v: Pick<Verification, 'problems_total'>): string {
  return `${v.problems_total === 1 ? 'Problem' : 'Problems'} found: ${v.problems_total}`;
}

/** The summary's facts, in order: label and value. */
export function summaryFacts(
  v: Verification,
  known: KnownHead | null,
): { id: string; label: string; value: string }[] {
  const facts = [
    { id: 'events', label: 'Events checked', value: String(v.events) },
    { id: 'runs', label: 'Runs checked', value: String(v.runs_checked) },
    {
      id: 'keyed',
      label: 'Head file',
      value: v.head_keyed ? 'keyed: its signature was checked' : 'not keyed: signature not checked',
    },
  ];
  if (known !== null) {
    const bad = v.problems.some((p) => p.kind === 'known_head');
    facts.push({
      id: 'known',
      label: 'Exported head',
      value: `seq ${known.head_seq}: ${bad ? 'NOT held by the chain' : 'still held by the chain'}`,
    });
  }
  return facts;
}

/** `audit-head-<seq>-<YYYY-MM-DD>.json`, dated by the export (today when it carries no date). */
export function headFileName(
  head: Pick<ExportedHead, 'seq' | 'exported_at'>,
  now = new Date(),
): string {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(head.exported_at);
  const date = m?.[1] ?? now.toISOString().slice(0, 10);
  return `audit-head-${head.seq}-${date}.json`;
}

/** What `verifyAudit` takes to check an exported head. */
export interface KnownHead {
  head_seq: number;
  head_hash: string;
  head_mac?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

function notHead(message: string): { ok: false; error: RpcError } {
  return { ok: false, error: { code: 'BAD_REQUEST', message } };
}

/**
 * Reads the text of an exported head (the JSON that "Export head" downloads) into the inputs of
 * `verifyAudit`; `head_mac` only when the export carries one. Refuses, in plain words, anything
 * that is not such a file.
 */
export function parseExportedHead(
  text: string,
): { ok: true; head: KnownHead } | { ok: false; error: RpcError } {
  if (text.trim() === '') return notHead('Paste or load an exported head first.');
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return notHead('The text is not JSON: load the file that "Export head" saved.');
  }
  if (j === null || typeof j !== 'object' || Array.isArray(j)) {
    return notHead('The text is not an exported audit head (expected a JSON object).');
  }
  const o = j as Record<string, unknown>;
  if (o.format !== undefined && o.format !== 'spr-audit-head-export/1') {
    return notHead(`Unknown format "${String(o.format)}": expected spr-audit-head-export/1.`);
  }
  const seq = o.seq;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) {
    return notHead('The exported head has no valid "seq" (a whole number, 0 or more).');
  }
  if (typeof o.hash !== 'string' || !HEX64.test(o.hash)) {
    return notHead('The exported head has no valid "hash" (64 lowercase hex characters).');
  }
  const mac = o.mac;
  if (mac !== undefined && mac !== null && (typeof mac !== 'string' || !HEX64.test(mac))) {
    return notHead('The exported head\'s "mac" is not 64 lowercase hex characters.');
  }
  return {
    ok: true,
    head: {
      head_seq: seq,
      head_hash: o.hash,
      ...(typeof mac === 'string' ? { head_mac: mac } : {}),
    },
  };
}
