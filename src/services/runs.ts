import { EngineError, type RpcError } from '../contract/common';
import { ENGINE_VERSION } from '../contract/operations';
import type { RebalanceRequest, RebalanceResponse } from '../contract/rebalance';
import type { RunDetail } from '../contract/store';
import { canonicalJson, type Sha256Parts } from '../domain/canonical';
import { diffJson, type Difference } from '../domain/diff';
import { toCsv } from '../data/export/csv';
import type { RunKind, RunRecord, RunSummary, Store } from '../ports/store';
import type { QpSolverPort } from '../optimize/qp/types';
import { agentVersions } from '../agents/registry';
import type { StressLibrary } from '../risk/stress';
import { assertExportable, exportRefusal } from './approvals';
import type { ComputePort } from './compute/env';
import { createInProcessCompute } from './compute/inProcess';
import { TIMING_FIELDS } from './compute/replay';
import { storedOutput, type DeriveKind, type RunComputed } from './compute/run';
import { policyInForce, policyVersion } from './policy';
import type { Clock } from './rebalance';

/** Versions of the models behind a run, stored with it so a later difference can be explained. */
export const MODEL_VERSIONS: Record<string, string> = {
  engine: ENGINE_VERSION,
  forecast: '2.0.0',
  risk: '1.3.0',
  threshold: '2.0.0',
  execution: '1.1.0',
  montecarlo: '1.1.0',
  ...agentVersions(),
};

export interface RunDeps {
  store: Store;
  clock: Clock & { monotonicMs(): number };
  sha256?: Sha256Parts;
  solver?: QpSolverPort;
  /** Proxy series for the historical stress windows (loaded by the adapter). */
  stressLibrary?: StressLibrary | null;
  /** Where computations run (a worker pool in the adapters); default: this thread. */
  compute?: ComputePort;
}

/** The port that runs a computation: the adapter's pool, or this thread with the deps' ports. */
export const computeOf = (deps: RunDeps): ComputePort =>
  deps.compute ?? createInProcessCompute(deps);

/**
 * Changes to a computed output made on the owner's side before it is saved (the copilot's
 * optional model rephrasing, which calls out over the network and is not computation).
 */
export type Amend = (
  out: RebalanceResponse & Record<string, unknown>,
) => Promise<Record<string, unknown>>;

/**
 * Runs the agent pipeline under the policy in force and what the run's kind derives from it
 * (on the compute port: a pool worker in the adapters), then saves input, output, versions, hash,
 * decision and duration in one short write transaction; the caller is answered only after COMMIT
 * returned. An engine error after validation (a data-health block, an infeasible plan) is saved
 * as a failed run and then thrown.
 */
export async function computeAndSave(
  kind: RunKind,
  input: RebalanceRequest,
  deps: RunDeps,
  actor: string,
  derive: DeriveKind = null,
  amend?: Amend,
): Promise<{ run_id: string; output: RebalanceResponse & Record<string, unknown> }> {
  const portfolio_version = portfolioVersionOf(deps.store, input.portfolio_id ?? null);
  const policy = policyInForce(deps.store);
  const done = await computeOf(deps).run('run', { input, policy, derive });
  const at = { kind, portfolio_id: input.portfolio_id ?? null, portfolio_version, actor };
  if (done.status === 'failed') return await saveFailed(deps.store, at, done);
  let out = done.output;
  let output_json = done.output_json;
  if (amend) {
    out = { ...out, ...(await amend(out)) };
    output_json = storedOutput(out);
  }
  const run_id = await saveSucceeded(deps.store, at, { ...done, output_json }, out.decision);
  return { run_id, output: out };
}

/** Where a run is filed: its kind, portfolio (version resolved by the owner) and actor. */
export interface RunPlace {
  kind: RunKind;
  portfolio_id: string | null;
  portfolio_version: number | null;
  actor: string;
}

export type Stored = Pick<
  RunComputed,
  'input_json' | 'input_hash' | 'output_json' | 'duration_ms'
> & {
  text_hashes?: { input_json: string; output_json: string };
};

/** The current version of the run's portfolio (NOT_FOUND naming portfolio_id when absent). */
export function portfolioVersionOf(store: Store, portfolio_id: string | null): number | null {
  if (!portfolio_id) return null;
  const p = store.portfolios.get(portfolio_id);
  if (!p)
    throw new EngineError('NOT_FOUND', `portfolio ${portfolio_id} does not exist`, [
      { path: 'portfolio_id', message: 'no such portfolio' },
    ]);
  return p.version;
}

/**
 * What the store saves for a computed run (without status and decision): the place, this
 * engine's versions, the texts, their hashes when the computation made them, the duration.
 * Example: `{...runRecord(at, done), status: 'succeeded', decision: 'APPROVED'}` is a SaveRunInput.
 */
export function runRecord(at: RunPlace, done: Stored) {
  return {
    ...at,
    engine_version: ENGINE_VERSION,
    model_versions_json: canonicalJson(MODEL_VERSIONS),
    input_json: done.input_json,
    input_hash: done.input_hash,
    output_json: done.output_json,
    ...(done.text_hashes ? { text_hashes: done.text_hashes } : {}),
    duration_ms: done.duration_ms,
  };
}

/**
 * Saves a failed run (a data-health block, an infeasible plan), then throws its error. Large
 * texts are written in parts with the event loop free in between (RunRepository.saveLarge).
 */
export async function saveFailed(
  store: Store,
  at: RunPlace,
  done: Stored & { error: Required<RpcError> },
): Promise<never> {
  await store.runs.saveLarge({ ...runRecord(at, done), status: 'failed' });
  throw new EngineError(done.error.code, done.error.message, done.error.details);
}

/**
 * Saves a succeeded run; returns its run_id after COMMIT. The row and its audit event are one
 * short transaction; texts past 2 Mi characters go first, in parts (RunRepository.saveLarge).
 */
export async function saveSucceeded(
  store: Store,
  at: RunPlace,
  done: Stored,
  decision: RebalanceResponse['decision'],
): Promise<string> {
  const saved = await store.runs.saveLarge({
    ...runRecord(at, done),
    status: 'succeeded',
    decision,
  });
  return saved.run_id;
}

/** POST /api/rebalance: the pipeline, saved as a `rebalance` run. */
export async function rebalanceAndSave(
  input: RebalanceRequest,
  deps: RunDeps,
  actor: string,
): Promise<RebalanceResponse> {
  const { run_id, output } = await computeAndSave('rebalance', input, deps, actor);
  return { run_id, ...output };
}

function summary(r: RunRecord | RunSummary) {
  return {
    run_id: r.run_id,
    kind: r.kind,
    portfolio_id: r.portfolio_id,
    portfolio_version: r.portfolio_version,
    created_at: r.created_at,
    status: r.status,
    engine_version: r.engine_version,
    input_hash: r.input_hash,
    duration_ms: r.duration_ms,
    decision: r.decision ?? null,
    approval: r.approval ?? null,
  };
}

export function getRunOrThrow(store: Store, run_id: string): RunRecord {
  const r = store.runs.get(run_id);
  if (!r)
    throw new EngineError('NOT_FOUND', `run ${run_id} does not exist`, [
      { path: 'run_id', message: 'no such run' },
    ]);
  return r;
}

export function runDetail(store: Store, run_id: string): RunDetail {
  const r = getRunOrThrow(store, run_id);
  const output = JSON.parse(r.output_json) as Record<string, unknown>;
  const a = store.approvals.get(run_id);
  return {
    ...summary(r),
    export_blocked:
      r.status === 'succeeded'
        ? (exportRefusal(run_id, (output as { decision?: string }).decision, a)?.message ?? null)
        : 'the run failed: it has no orders',
    approval_detail: a
      ? {
          run_id: a.run_id,
          decision: a.decision,
          note: a.note,
          actor: a.actor,
          created_at: a.created_at,
        }
      : null,
    model_versions: JSON.parse(r.model_versions_json) as Record<string, string>,
    // The texts were checked by the schemas RunDetail names when they were written, and the
    // audit chain binds their hashes; a run from another engine version is marked `earlier`.
    shape: r.engine_version === ENGINE_VERSION ? 'current' : 'earlier',
    input: JSON.parse(r.input_json) as unknown,
    output: r.status === 'succeeded' ? { run_id: r.run_id, ...output } : output,
  } as RunDetail;
}

/** Kinds whose input is a rebalance request and whose output a rebalance response. */
export const REPLAYABLE: readonly RunKind[] = ['rebalance', 'copilot', 'tandem'];

/** What a run's kind adds to the rebalance output (a replay derives it again). */
export const DERIVE_OF: Partial<Record<RunKind, DeriveKind>> = {
  tandem: 'tandem',
  copilot: 'copilot',
};

/**
 * Re-runs the stored input with today's engine (on the compute port), under the policy version
 * the run was checked against, with the clock pinned to the original timestamp, and compares
 * canonical JSON with the measurements of TIMING_FIELDS set aside: `identical` means
 * byte-identical results.
 */
export async function replayRun(deps: RunDeps, run_id: string) {
  const { store } = deps;
  const r = getRunOrThrow(store, run_id);
  if (!REPLAYABLE.includes(r.kind)) {
    throw new EngineError(
      'BAD_REQUEST',
      `replay supports ${REPLAYABLE.join(', ')} runs; this run is a ${r.kind} run`,
    );
  }
  const stored = JSON.parse(r.output_json) as {
    metadata?: { timestamp_utc?: string };
    supervisor?: { policy_version?: number };
  };
  const head = {
    run_id,
    ignored_fields: [...TIMING_FIELDS],
    engine_version_then: r.engine_version,
    engine_version_now: ENGINE_VERSION,
  };
  const version = stored.supervisor?.policy_version ?? 0;
  const policy = policyVersion(store, version);
  if (!policy)
    return {
      ...head,
      identical: false,
      differences: [{ path: 'supervisor.policy_version', a: version, b: 'not stored' }],
    };
  const result = await computeOf(deps).run('replay', {
    input_json: r.input_json,
    output_json: r.output_json,
    policy,
    derive: DERIVE_OF[r.kind] ?? null,
    pinnedNow: stored.metadata?.timestamp_utc ?? r.created_at,
  });
  return { ...head, ...result };
}

type Out = Partial<RebalanceResponse>;

const RISK_FIELDS = [
  'volatility',
  'sharpe',
  'sortino',
  'max_drawdown',
  'var_95',
  'cvar_95',
  'expected_annual_return',
  'tracking_error',
  'beta',
] as const;

/** Plain-language reasons for the differences, from what changed in the inputs and versions. */
function explain(a: RunRecord, b: RunRecord, changes: Difference[]): string[] {
  const why: string[] = [];
  const changed = (prefix: string) =>
    changes.filter((c) => c.path === prefix || c.path.startsWith(`${prefix}.`));
  const assetsWith = (field: string) => [
    ...new Set(
      changes
        .filter((c) => new RegExp(`^assets\\.\\d+\\.${field}$`).test(c.path))
        .map((c) => c.path.split('.')[1]),
    ),
  ];
  if (a.engine_version !== b.engine_version)
    why.push(
      `The engine changed (${a.engine_version} → ${b.engine_version}); its formulas or defaults may differ.`,
    );
  if (a.model_versions_json !== b.model_versions_json)
    why.push('Model versions differ between the two runs.');
  const scalar: [string, string][] = [
    [
      'drift_threshold',
      'The tolerance band changed, which changes which assets are outside it and trade.',
    ],
    ['turnover_limit', 'The turnover cap changed, which scales the trades when it binds.'],
    [
      'transaction_cost_bps',
      'Transaction costs changed, which changes cost estimates and the cash left to buy with.',
    ],
    ['fixed_fee_per_trade', 'The fixed fee per trade changed.'],
    ['risk_free_rate', 'The risk-free rate changed, which moves Sharpe and Sortino.'],
    [
      'portfolio_value',
      'The portfolio value changed, so trade values, units and lot rounding change.',
    ],
    ['rebalance_to', 'Trades now go to a different destination (target vs band edge).'],
    ['tilt_budget', 'The forecast tilt budget changed, so optimized targets differ.'],
    ['currency', 'The currency changed (minor units for rounding).'],
  ];
  for (const [field, text] of scalar) {
    const c = changed(field)[0];
    if (c) why.push(`${text} (${String(c.a)} → ${String(c.b)})`);
  }
  if (
    changed('price_history').length ||
    changed('benchmark').length ||
    assetsWith('historical_returns').length
  )
    why.push(
      'The price history differs: risk figures, forecasts and Monte Carlo are computed from different data.',
    );
  if (changed('monte_carlo').length)
    why.push('Monte Carlo settings (paths, horizon, seed or method) changed.');
  const cw = assetsWith('current_weight');
  if (cw.length)
    why.push(
      `Current weights changed for asset rows ${cw.join(', ')}, so drift and trades differ.`,
    );
  const tw = assetsWith('target_weight');
  if (tw.length) why.push(`Targets changed for asset rows ${tw.join(', ')}.`);
  const pr = assetsWith('price');
  if (pr.length)
    why.push(`Prices changed for asset rows ${pr.join(', ')}, so units and lot rounding differ.`);
  const names = (r: RunRecord) =>
    new Set(
      ((JSON.parse(r.input_json) as { assets?: { asset: string }[] }).assets ?? []).map(
        (x) => x.asset,
      ),
    );
  const na = names(a);
  const nb = names(b);
  const added = [...nb].filter((x) => !na.has(x));
  const removed = [...na].filter((x) => !nb.has(x));
  if (added.length || removed.length)
    why.push(
      `The asset list changed${removed.length ? `; removed: ${removed.join(', ')}` : ''}${added.length ? `; added: ${added.join(', ')}` : ''}.`,
    );
  if (!why.length)
    why.push(
      changes.length ? 'Other input fields changed; see input_changes.' : 'Same input and engine.',
    );
  return why;
}

export function compareRuns(store: Store, aId: string, bId: string) {
  const a = getRunOrThrow(store, aId);
  const b = getRunOrThrow(store, bId);
  const ia = JSON.parse(a.input_json) as unknown;
  const ib = JSON.parse(b.input_json) as unknown;
  const oa = JSON.parse(a.output_json) as Out;
  const ob = JSON.parse(b.output_json) as Out;
  const input_changes = diffJson(ia, ib);
  const assets = [...new Set([...(oa.weights ?? []), ...(ob.weights ?? [])].map((w) => w.asset))];
  const wa = new Map((oa.weights ?? []).map((w) => [w.asset, w]));
  const wb = new Map((ob.weights ?? []).map((w) => [w.asset, w]));
  const ta = new Map((oa.trades ?? []).map((t) => [t.asset, t]));
  const tb = new Map((ob.trades ?? []).map((t) => [t.asset, t]));
  const target_changes = assets
    .map((asset) => ({
      asset,
      a: wa.get(asset)?.optimized_target_weight ?? null,
      b: wb.get(asset)?.optimized_target_weight ?? null,
    }))
    .filter((x) => x.a !== x.b);
  const trade = (t: RebalanceResponse['trades'][number] | undefined) =>
    t ? { action: t.action, signed_trade_value: t.signed_trade_value } : null;
  const trade_changes = assets
    .map((asset) => ({ asset, a: trade(ta.get(asset)), b: trade(tb.get(asset)) }))
    .filter((x) => canonicalJson(x.a) !== canonicalJson(x.b));
  const risk_changes = RISK_FIELDS.map((metric) => {
    const x = oa.risk_metrics?.[metric] ?? null;
    const y = ob.risk_metrics?.[metric] ?? null;
    return { metric, a: x, b: y, delta: x !== null && y !== null ? y - x : null };
  }).filter((r) => r.a !== r.b);
  return {
    a: summary(a),
    b: summary(b),
    same_input: a.input_json === b.input_json,
    input_changes,
    target_changes,
    trade_changes,
    risk_changes,
    explanations: explain(a, b, input_changes),
  };
}

/** The order file's columns: the security-level order fields of the rebalance output. */
const ORDER_COLUMNS = [
  'security',
  'asset',
  'asset_class',
  'action',
  'trade_units',
  'price',
  'lot_size',
  'trade_value',
  'signed_trade_value',
  'estimated_cost',
  'status',
  'reason',
] as const;

/**
 * The run's orders as CSV, one line per security (a holding, or an asset traded as itself), so a
 * broker gets shares per security. Runs saved before security-level orders existed have only
 * asset rows; those are listed with the asset as the security. Gated by assertExportable: a
 * rejected run never exports, a REVIEW_REQUIRED run only after a person approved it.
 */
export function tradesCsv(store: Store, run_id: string): string {
  const r = getRunOrThrow(store, run_id);
  const out = JSON.parse(r.output_json) as Out;
  if (!out.trades)
    throw new EngineError('NOT_FOUND', `run ${run_id} has no trade list (status ${r.status})`);
  assertExportable(store, run_id, out.decision);
  const rows: Record<(typeof ORDER_COLUMNS)[number], string | number | null | undefined>[] =
    out.orders ?? out.trades.map((t) => ({ ...t, security: t.asset }));
  // Quoted per RFC 4180, and text a spreadsheet would run as a formula neutralized (toCsv).
  return toCsv(ORDER_COLUMNS, rows);
}

export function listRuns(
  store: Store,
  q: {
    portfolio_id?: string | undefined;
    kind?: RunRecord['kind'] | undefined;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  let page;
  try {
    page = store.runs.list({
      ...(q.portfolio_id ? { portfolio_id: q.portfolio_id } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.from ? { created_from: new Date(q.from).toISOString() } : {}),
      ...(q.to ? { created_to: new Date(q.to).toISOString() } : {}),
      limit: q.limit,
      cursor: q.cursor ?? null,
    });
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError('BAD_REQUEST', 'invalid cursor', [
      { path: 'cursor', message: 'not a cursor from this API' },
    ]);
  }
  return { runs: page.items.map(summary), next_cursor: page.next_cursor };
}
