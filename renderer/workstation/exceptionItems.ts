/**
 * What a PM must look at in one rebalance answer, as plain data: assets still outside their band
 * after the trades, orders a pre-trade control blocked, and data-health findings that need a
 * person (severity review or block). Pure, so the e2e suite tests it without a browser; the
 * Exceptions component renders it. Runs saved before a field existed simply lack those items.
 */
import { bandConstraint, pct } from '../shared/format';
import type { RebalanceResponse } from '../shared/types';

/** The result tab that shows an exception in full. */
export type ExceptionTab = 'portfolio' | 'trades' | 'agents';

export type ExceptionKind = 'band' | 'blocked' | 'data';

export interface ExceptionItem {
  kind: ExceptionKind;
  /** The asset, the order's security, or the data-health finding's path. */
  subject: string;
  /** One plain sentence: what is wrong and why. */
  reason: string;
  tab: ExceptionTab;
  /** Severity word shown as a badge: "outside", "blocked", "review", "block". */
  badge: string;
  tone: 'warn' | 'bad';
}

/** Post-trade band status of one asset, for the compact strip. */
export interface BandStatus {
  asset: string;
  status: 'inside' | 'outside' | null;
  /** Plain word of the constraint that kept it outside ("turnover cap"), else null. */
  constraint: string | null;
  constraintCode: string | null;
}

/** Band of a weight row as "13.00–17.00%". */
function band(lower: number, upper: number): string {
  return `${(lower * 100).toFixed(2)}–${pct(upper)}`;
}

/** Every asset's band status after the trades, in the answer's order. */
export function bandStatuses(r: RebalanceResponse): BandStatus[] {
  return r.weights.map((w) => {
    // Runs saved before the post-trade status existed lack both fields.
    const status = (w.post_trade_band_status as 'inside' | 'outside' | undefined) ?? null;
    const code = status === 'outside' ? (w.band_constraint ?? null) : null;
    return {
      asset: w.asset,
      status,
      constraint: code ? bandConstraint(code).label : null,
      constraintCode: code,
    };
  });
}

/**
 * The exceptions of a result, in the order a PM handles them: bands, then blocked orders, then
 * data-health findings for review or block. Findings the policy only warns about are not
 * exceptions (they are counted apart, see `dataWarnings`).
 *
 * Example: Autumn 2008 with `rebalance_to: "full"` and a 3% turnover cap → three `band` items
 * (JPM, XOM, AAPL), each "… held back by the turnover cap".
 */
export function exceptionsOf(r: RebalanceResponse): ExceptionItem[] {
  const out: ExceptionItem[] = [];
  for (const w of r.weights) {
    if ((w.post_trade_band_status as string | undefined) !== 'outside') continue;
    const c = bandConstraint(w.band_constraint);
    out.push({
      kind: 'band',
      subject: w.asset,
      reason:
        `ends at ${pct(w.proposed_weight)} against its band ${band(w.band_lower, w.band_upper)}` +
        (w.band_constraint ? `: held back by the ${c.label} (${c.help})` : ''),
      tab: 'portfolio',
      badge: 'outside',
      tone: 'warn',
    });
  }
  for (const o of r.execution?.orders ?? []) {
    if (o.status !== 'blocked') continue;
    const failed = o.controls.filter((c) => !c.passed).map((c) => c.message);
    out.push({
      kind: 'blocked',
      subject: o.security,
      reason:
        `order #${o.sequence} ${o.action} ${o.security}` +
        (o.children > 1 ? ` (child ${o.child}/${o.children})` : '') +
        ` blocked by ${o.blocked_by.join(', ')}` +
        (failed.length ? `: ${failed.join('; ')}` : ''),
      tab: 'trades',
      badge: 'blocked',
      tone: 'bad',
    });
  }
  for (const f of r.data_health?.findings ?? []) {
    if (f.severity === 'warn') continue;
    out.push({
      kind: 'data',
      subject: f.path,
      reason: `${f.check.replaceAll('_', ' ')}: ${f.message}`,
      tab: 'agents',
      badge: f.severity,
      tone: f.severity === 'block' ? 'bad' : 'warn',
    });
  }
  return out;
}

/** Data-health findings the policy only warns about (listed in the Agents tab). */
export function dataWarnings(r: RebalanceResponse): number {
  return (r.data_health?.findings ?? []).filter((f) => f.severity === 'warn').length;
}

export const TAB_LABEL: Record<ExceptionTab, string> = {
  portfolio: 'Portfolio & drift',
  trades: 'Trades',
  agents: 'Agents',
};
