/**
 * Wording and formatting of what the six agents add to a run: the supervisor's decision and
 * checks, data-health severities, execution stages, and the human approval. Pure functions, so
 * the e2e suite tests them without a browser. Runs saved before the agents existed lack every
 * one of these fields; the readers below return null for them instead of throwing.
 */
import { DASH, num, pct, units } from '../shared/format';
import type { CheckResult, Decision, RebalanceResponse, RunApproval } from '../shared/types';

/**
 * Supervisor checks (and policy limits) whose value is a fraction of the portfolio: shown as a
 * percentage. Every other check counts something (assets, orders, findings).
 */
export const FRACTION_CHECKS: ReadonlySet<string> = new Set([
  'max_turnover',
  'max_asset_weight',
  'max_asset_class_weight',
  'max_var_95',
  'max_cvar_95',
  'max_tracking_error',
  'max_stress_loss',
  'min_cash_weight',
]);

/** A check's value or limit: "59.99%" for a weight or risk figure, "2" for a count, "—" for null. */
export function checkValue(check: string, x: number | null | undefined): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return DASH;
  if (FRACTION_CHECKS.has(check)) return pct(x, 2);
  return Number.isInteger(x) ? units(x) : num(x, 2);
}

export type Tone = 'ok' | 'warn' | 'bad' | 'quiet';

/** One entry per decision: a new decision in the contract is a compile error here until worded. */
export const DECISION_WORDING: Record<Decision, { label: string; tone: Tone; help: string }> = {
  APPROVED: {
    label: 'Approved',
    tone: 'ok',
    help: 'Every policy check passed: the orders may be exported.',
  },
  REVIEW_REQUIRED: {
    label: 'Review required',
    tone: 'warn',
    help: 'A person must approve this run (with a note) before its orders are exported.',
  },
  REJECTED: {
    label: 'Rejected',
    tone: 'bad',
    help: 'The policy rejects this run: its orders are not exported. Change the input or the policy and run again.',
  },
};

export function decisionWording(d: string): { label: string; tone: Tone; help: string } {
  if (Object.hasOwn(DECISION_WORDING, d)) return DECISION_WORDING[d as Decision];
  return { label: d.replaceAll('_', ' ').toLowerCase(), tone: 'quiet', help: d };
}

export const CHECK_RESULT_WORDING: Record<
  CheckResult,
  { label: string; tone: Tone; help: string }
> = {
  pass: { label: 'pass', tone: 'ok', help: 'Within the limit.' },
  near: { label: 'near', tone: 'warn', help: 'Passes, but within 10% of the limit.' },
  warn: { label: 'warn', tone: 'warn', help: 'A finding the policy only warns about.' },
  breach: {
    label: 'breach',
    tone: 'bad',
    help: 'Fails: "on breach" says what it does to the decision.',
  },
  not_applicable: {
    label: 'n/a',
    tone: 'quiet',
    help: 'The figure does not exist for this run, or the check is off in the policy.',
  },
};

export function checkResult(r: string): { label: string; tone: Tone; help: string } {
  if (Object.hasOwn(CHECK_RESULT_WORDING, r)) return CHECK_RESULT_WORDING[r as CheckResult];
  return { label: r.replaceAll('_', ' '), tone: 'quiet', help: r };
}

/** What a breach (or a data-health finding) does to the run, in words. */
export function onBreachLabel(x: string | null | undefined): string {
  switch (x) {
    case 'review':
      return 'review';
    case 'reject':
      return 'reject';
    case 'block':
      return 'block the run';
    case null:
    case undefined:
      return DASH;
    default:
      return x;
  }
}

export function severityTone(s: string): Tone {
  return s === 'block' ? 'bad' : s === 'review' ? 'warn' : 'quiet';
}

/** The execution queue's liquidity stages, in the order they trade. */
export const STAGE_WORDING: Record<string, string> = {
  fx_etf: 'FX & ETFs',
  stocks_commodities: 'Stocks & commodities',
  funds_at_cutoff: 'Funds at cut-off',
  crypto_children: 'Crypto (child orders)',
};

export function stageLabel(s: string): string {
  return STAGE_WORDING[s] ?? s.replaceAll('_', ' ');
}

/** The supervisor's decision of a result; null for results saved before the agents existed. */
export function decisionOf(
  r: RebalanceResponse,
): { decision: Decision; reasons: string[]; policyVersion: number | null } | null {
  const x = r as Partial<RebalanceResponse>;
  if (typeof x.decision !== 'string') return null;
  return {
    decision: x.decision,
    reasons: Array.isArray(x.decision_reasons) ? x.decision_reasons : [],
    policyVersion:
      typeof x.supervisor?.policy_version === 'number' ? x.supervisor.policy_version : null,
  };
}

/** A person's decision as far as it is known: from the list only the word, from a decision all. */
export interface KnownApproval {
  decision: 'approved' | 'rejected';
  note: string | null;
  actor: string | null;
  created_at: string | null;
}

const isDecisionWord = (x: unknown): x is 'approved' | 'rejected' =>
  x === 'approved' || x === 'rejected';

/**
 * Reads an approval from whatever carries one: a RunApproval, the run list's `approval` word
 * ("approved" / "rejected" / null) or a run detail (`approval_detail` or an `approval` object).
 * Anything else (absent, null, an older engine) → null.
 */
export function approvalOf(x: unknown): KnownApproval | null {
  if (isDecisionWord(x)) return { decision: x, note: null, actor: null, created_at: null };
  if (x === null || typeof x !== 'object') return null;
  const o = x as Record<string, unknown>;
  if (isDecisionWord(o.decision) && ('note' in o || 'actor' in o || 'created_at' in o)) {
    return {
      decision: o.decision,
      note: typeof o.note === 'string' ? o.note : null,
      actor: typeof o.actor === 'string' ? o.actor : null,
      created_at: typeof o.created_at === 'string' ? o.created_at : null,
    };
  }
  // A run summary or detail: the full record first, then the word.
  return approvalOf(o.approval_detail) ?? approvalOf(o.approval);
}

export function fromRunApproval(a: RunApproval): KnownApproval {
  return { decision: a.decision, note: a.note, actor: a.actor, created_at: a.created_at };
}

/**
 * Decisions taken in this page, by run id: the live result and the Runs view (which unmount
 * when another view is shown) read it so a decided run never offers the buttons again, even
 * before the run list is reloaded.
 */
const decided = new Map<string, KnownApproval>();

export function rememberApproval(runId: string, a: KnownApproval): void {
  decided.set(runId, a);
}

export function rememberedApproval(runId: string | null | undefined): KnownApproval | null {
  return runId ? (decided.get(runId) ?? null) : null;
}

/** An evidence value as text: numbers with up to 6 significant digits, booleans as yes/no. */
export function evidenceValue(v: number | string | boolean | null): string {
  if (v === null) return DASH;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return DASH;
  if (Number.isInteger(v)) return units(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(3);
  return String(Number(v.toPrecision(6)));
}
