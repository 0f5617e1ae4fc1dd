import { EngineError } from '../contract/common';
import { ENGINE_VERSION } from '../contract/operations';
import { RebalanceRequest, type RebalanceResponse } from '../contract/rebalance';
import { canonicalJson, inputHash, type Sha256Parts } from '../domain/canonical';
import { diffJson, type Difference } from '../domain/diff';
import type { RunKind, RunRecord, RunSummary, Store } from '../ports/store';
import type { QpSolverPort } from '../optimize/qp/types';
import type { EngineOptions, PolicyInForce } from '../agents/context';
import { agentVersions } from '../agents/registry';
import type { StressLibrary } from '../risk/stress';
import { assertExportable, exportRefusal } from './approvals';
import { policyInForce, policyVersion } from './policy';
import { runRebalance, type Clock } from './rebalance';

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
}

/** The engine options of a run under a given policy. */
export const engineOptions = (deps: RunDeps, policy: PolicyInForce): EngineOptions => ({
  ...(deps.sha256 ? { sha256: deps.sha256 } : {}),
  ...(deps.solver ? { solver: deps.solver } : {}),
  ...(deps.stressLibrary ? { stressLibrary: deps.stressLibrary } : {}),
  policy,
  monotonicMs: () => deps.clock.monotonicMs(),
});

/** A run's kind-specific additions to the rebalance output (the tandem view, the copilot brief). */
export type Derive = (
  out: RebalanceResponse,
  durationMs: number,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

/**
 * Runs the agent pipeline under the policy in force, adds what the run's kind derives from it,
 * then saves input, output, versions, hash, decision and duration in one short write transaction;
 * the caller is answered only after COMMIT returned. The computation happens before and outside
 * the transaction. An engine error after validation (a data-health block, an infeasible plan) is
 * saved as a failed run.
 */
export async function computeAndSave(
  kind: RunKind,
  input: RebalanceRequest,
  deps: RunDeps,
  actor: string,
  derive?: Derive,
): Promise<{ run_id: string; output: RebalanceResponse & Record<string, unknown> }> {
  let portfolio_version: number | null = null;
  if (input.portfolio_id) {
    const p = deps.store.portfolios.get(input.portfolio_id);
    if (!p) {
      throw new EngineError('NOT_FOUND', `portfolio ${input.portfolio_id} does not exist`, [
        { path: 'portfolio_id', message: 'no such portfolio' },
      ]);
    }
    portfolio_version = p.version;
  }
  const policy = policyInForce(deps.store);
  const base = {
    kind,
    portfolio_id: input.portfolio_id ?? null,
    portfolio_version,
    engine_version: ENGINE_VERSION,
    model_versions_json: canonicalJson(MODEL_VERSIONS),
    input_json: canonicalJson(input),
    actor,
  };
  const t0 = deps.clock.monotonicMs();
  let out: RebalanceResponse & Record<string, unknown>;
  try {
    const run = await runRebalance(input, deps.clock, engineOptions(deps, policy));
    out = derive ? { ...run, ...(await derive(run, deps.clock.monotonicMs() - t0)) } : run;
  } catch (e) {
    if (e instanceof EngineError) {
      deps.store.runs.save({
        ...base,
        status: 'failed',
        output_json: canonicalJson({
          error: { code: e.code, message: e.message, details: e.details },
        }),
        // The same input hash a successful run of this input would carry.
        input_hash: inputHash(input, deps.sha256),
        duration_ms: deps.clock.monotonicMs() - t0,
      });
    }
    throw e;
  }
  const saved = deps.store.runs.save({
    ...base,
    status: 'succeeded',
    output_json: storedOutput(out),
    input_hash: out.metadata.input_hash,
    duration_ms: deps.clock.monotonicMs() - t0,
    decision: out.decision,
  });
  return { run_id: saved.run_id, output: out };
}

/** What is stored: the response without its run_id (the run_id is the record's key). */
function storedOutput(out: Record<string, unknown>): string {
  const { run_id: _drop, ...rest } = out;
  return canonicalJson(rest);
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

export function runDetail(store: Store, run_id: string) {
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
    input: JSON.parse(r.input_json) as unknown,
    output: r.status === 'succeeded' ? { run_id: r.run_id, ...output } : output,
  };
}

/** Measurements (wall times) that a replay does not compare; listed in `ignored_fields`. */
export const TIMING_FIELDS = [
  'metadata.timestamp_utc (pinned to the original)',
  'optimization.solver.solve_time_ms',
  'agent_steps.*.started_at, ended_at, duration_ms',
  'tandem.orchestration.total_duration_ms, steps_duration_ms; tandem.timeline.*.duration_ms',
  'copilot.narrative when a model rephrased it, and copilot.warnings about the model call (a model is not replayed)',
] as const;

type Json = Record<string, unknown>;
const obj = (x: unknown): Json | null =>
  x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : null;

/** A copy of a stored output with every measurement in TIMING_FIELDS blanked. */
export function withoutTimings(output: Json): Json {
  const o = JSON.parse(JSON.stringify(output)) as Json;
  const solver = obj(obj(o.optimization)?.solver);
  if (solver && 'solve_time_ms' in solver) solver.solve_time_ms = 0;
  for (const step of Array.isArray(o.agent_steps) ? o.agent_steps : []) {
    const s = obj(step);
    if (s) Object.assign(s, { started_at: '', ended_at: '', duration_ms: 0 });
  }
  const tandem = obj(o.tandem);
  const orch = obj(tandem?.orchestration);
  if (orch) Object.assign(orch, { total_duration_ms: 0, steps_duration_ms: 0 });
  for (const t of Array.isArray(tandem?.timeline) ? tandem.timeline : []) {
    const e = obj(t);
    if (e) e.duration_ms = 0;
  }
  const copilot = obj(o.copilot);
  if (copilot?.rephrased === true) copilot.narrative = '';
  if (copilot && Array.isArray(copilot.warnings))
    copilot.warnings = copilot.warnings.filter(
      (w) => !String(obj(w)?.code ?? '').startsWith('COPILOT_REPHRASE'),
    );
  if (copilot) copilot.rephrased = false;
  return o;
}

/** Kinds whose input is a rebalance request and whose output a rebalance response. */
export const REPLAYABLE: readonly RunKind[] = ['rebalance', 'copilot', 'tandem'];

/**
 * Re-runs the stored input with today's engine, under the policy version the run was checked
 * against, with the clock pinned to the original timestamp, and compares canonical JSON with the
 * measurements of TIMING_FIELDS set aside: `identical` means byte-identical results.
 */
export async function replayRun(
  deps: RunDeps,
  run_id: string,
  derivers: Partial<Record<RunKind, Derive>> = {},
) {
  const { store } = deps;
  const r = getRunOrThrow(store, run_id);
  if (!REPLAYABLE.includes(r.kind)) {
    throw new EngineError(
      'BAD_REQUEST',
      `replay supports ${REPLAYABLE.join(', ')} runs; this run is a ${r.kind} run`,
    );
  }
  const stored = JSON.parse(r.output_json) as Json & {
    metadata?: { timestamp_utc?: string };
    supervisor?: { policy_version?: number };
  };
  const head = {
    run_id,
    ignored_fields: [...TIMING_FIELDS],
    engine_version_then: r.engine_version,
    engine_version_now: ENGINE_VERSION,
  };
  const parsed = RebalanceRequest.safeParse(JSON.parse(r.input_json));
  if (!parsed.success)
    return {
      ...head,
      identical: false,
      differences: [{ path: 'input', a: 'valid then', b: 'rejected by this engine version' }],
    };
  const version = stored.supervisor?.policy_version ?? 0;
  const policy = policyVersion(store, version);
  if (!policy)
    return {
      ...head,
      identical: false,
      differences: [{ path: 'supervisor.policy_version', a: version, b: 'not stored' }],
    };
  const when = stored.metadata?.timestamp_utc ?? r.created_at;
  const clock = { now: () => new Date(when), monotonicMs: () => deps.clock.monotonicMs() };
  let fresh: Json;
  try {
    const out = await runRebalance(parsed.data, clock, engineOptions({ ...deps, clock }, policy));
    const derive = derivers[r.kind];
    fresh = derive ? { ...out, ...(await derive(out, 0)) } : out;
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    fresh = { error: { code: e.code, message: e.message, details: e.details } };
  }
  const then = withoutTimings(stored);
  const now = withoutTimings(JSON.parse(storedOutput(fresh)) as Json);
  const identical = canonicalJson(then) === canonicalJson(now);
  return { ...head, identical, differences: identical ? [] : diffJson(then, now) };
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

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. */
function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

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
  const lines = [ORDER_COLUMNS.join(',')];
  for (const row of rows) lines.push(ORDER_COLUMNS.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
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
