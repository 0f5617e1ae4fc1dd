/**
 * "Run all agents" on one request: the rebalance, then the tandem timeline, then the copilot
 * brief — three calls of the engine, each saved as its own run (kinds rebalance, tandem,
 * copilot). Pure orchestration over injected calls, so the e2e suite tests the order, the
 * progress and the stop-at-first-error rule without a browser.
 */
import type { Result, RpcError } from '../../src/contract/common';
import type { OpOutput } from '../../src/contract/operations';
import type { RebalanceResponse } from '../shared/types';

export type Tandem = OpOutput<'tandemDemo'>;
export type Brief = OpOutput<'copilotInsights'>;
export type Blueprint = OpOutput<'blueprint'>;

/** The stages in the order they run. */
export const FLOW_STAGES = ['rebalance', 'tandem', 'copilot'] as const;
export type FlowStage = (typeof FLOW_STAGES)[number];

export const STAGE_LABEL: Record<FlowStage, string> = {
  rebalance: 'Rebalance',
  tandem: 'Tandem timeline',
  copilot: 'Copilot brief',
};

/** waiting → running → done | error; a stage after a failed one is skipped. `ms`: wall time. */
export type StageState<T> =
  | { state: 'waiting' }
  | { state: 'running' }
  | { state: 'done'; value: T; ms: number }
  | { state: 'error'; error: RpcError; ms: number }
  | { state: 'skipped' };

/** The tandem answer plus the saved run's output, which carries every supervisor check. */
export interface TandemStage {
  tandem: Tandem;
  /** The tandem run as stored (GET /api/runs/{id}); null when it could not be read. */
  output: RebalanceResponse | null;
  outputError: RpcError | null;
}

export interface FlowRun {
  /** Increments per click, so a late answer of an earlier flow is recognised. */
  id: number;
  /** Which card started it (scenario name, or "editor"). */
  key: string;
  label: string;
  rebalance: StageState<RebalanceResponse>;
  tandem: StageState<TandemStage>;
  copilot: StageState<Brief>;
}

/** The engine calls a flow makes (the real ones in ScenarioFlows, fakes in tests). */
export interface FlowDeps {
  rebalance(request: unknown): Promise<Result<RebalanceResponse>>;
  tandem(request: unknown): Promise<Result<Tandem>>;
  /** The stored output of a run. */
  runOutput(runId: string): Promise<Result<unknown>>;
  copilot(request: unknown): Promise<Result<Brief>>;
  /** Milliseconds, monotonic (performance.now in the page). */
  now(): number;
}

export function newFlow(id: number, key: string, label: string): FlowRun {
  return {
    id,
    key,
    label,
    rebalance: { state: 'waiting' },
    tandem: { state: 'waiting' },
    copilot: { state: 'waiting' },
  };
}

/** running while a stage runs; error when one failed; done when all three are. */
export function flowState(f: FlowRun): 'running' | 'done' | 'error' {
  const states = FLOW_STAGES.map((s) => f[s].state);
  if (states.includes('error')) return 'error';
  return states.every((s) => s === 'done') ? 'done' : 'running';
}

/** A stored run output that is a rebalance answer with the supervisor's report; else null. */
export function asRebalanceOutput(o: unknown): RebalanceResponse | null {
  if (o === null || typeof o !== 'object') return null;
  const x = o as Partial<RebalanceResponse>;
  return Array.isArray(x.weights) && typeof x.decision === 'string' && x.supervisor
    ? (o as RebalanceResponse)
    : null;
}

/**
 * Runs the three stages in order, reporting every change through `update` (a fresh object each
 * time). The first failure ends the flow: the stages after it are `skipped`. The copilot gets
 * the same request with `rephrase: false` (the brief is the deterministic one). A request that
 * is not an object is still sent as-is: the engine names what is wrong.
 */
export async function runFlow(
  start: FlowRun,
  request: unknown,
  deps: FlowDeps,
  update: (f: FlowRun) => void,
): Promise<FlowRun> {
  let f = start;
  const set = (patch: Partial<FlowRun>) => {
    f = { ...f, ...patch };
    update(f);
  };
  const skipRest = (after: FlowStage) => {
    const rest = FLOW_STAGES.slice(FLOW_STAGES.indexOf(after) + 1);
    set(Object.fromEntries(rest.map((s) => [s, { state: 'skipped' }])) as Partial<FlowRun>);
  };

  set({ rebalance: { state: 'running' } });
  let t0 = deps.now();
  const reb = await deps.rebalance(request);
  if (!reb.ok) {
    set({ rebalance: { state: 'error', error: reb.error, ms: deps.now() - t0 } });
    skipRest('rebalance');
    return f;
  }
  set({ rebalance: { state: 'done', value: reb.value, ms: deps.now() - t0 } });

  set({ tandem: { state: 'running' } });
  t0 = deps.now();
  const tan = await deps.tandem(request);
  if (!tan.ok) {
    set({ tandem: { state: 'error', error: tan.error, ms: deps.now() - t0 } });
    skipRest('tandem');
    return f;
  }
  const stored = await deps.runOutput(tan.value.run_id);
  const output = stored.ok ? asRebalanceOutput(stored.value) : null;
  const outputError: RpcError | null = stored.ok
    ? output
      ? null
      : { code: 'INTERNAL', message: 'the saved tandem run holds no rebalance output' }
    : stored.error;
  set({
    tandem: {
      state: 'done',
      value: { tandem: tan.value, output, outputError },
      ms: deps.now() - t0,
    },
  });

  set({ copilot: { state: 'running' } });
  t0 = deps.now();
  const body =
    request !== null && typeof request === 'object' && !Array.isArray(request)
      ? { ...(request as Record<string, unknown>), rephrase: false }
      : request;
  const cop = await deps.copilot(body);
  set({
    copilot: cop.ok
      ? { state: 'done', value: cop.value, ms: deps.now() - t0 }
      : { state: 'error', error: cop.error, ms: deps.now() - t0 },
  });
  return f;
}

/** "Supervisor Agent: intake" → agent and phase (the blueprint's flow entries). */
export function splitFlowEntry(entry: string): { agent: string; phase: string } {
  const i = entry.indexOf(': ');
  return i < 0
    ? { agent: entry, phase: '' }
    : { agent: entry.slice(0, i), phase: entry.slice(i + 2) };
}

/** A hash-like figure (≥ 32 hex digits, e.g. a SHA-256) shortened to 12 digits and "…". */
export function shortFigure(text: string): string {
  return /^[0-9a-f]{32,}$/i.test(text) ? `${text.slice(0, 12)}…` : text;
}

/** An evidence name as words: "value_after_flow" → "value after flow". */
export function figureName(name: string): string {
  return name.replaceAll('_', ' ');
}
