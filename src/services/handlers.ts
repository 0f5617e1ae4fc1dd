import type { z } from 'zod';
import { EngineError } from '../contract/common';
import { ENGINE_VERSION, SERVICE_NAME, type Handlers } from '../contract/operations';
import type { PreviewScenario } from '../contract/operations';
import { RebalanceRequest } from '../contract/rebalance';
import { canonicalJson, type Sha256Parts } from '../domain/canonical';
import type { QpSolverPort } from '../optimize/qp/types';
import type { Store } from '../ports/store';
import type { ComputePort } from './compute/env';
import { importPortfolioFile, importPriceFile } from './imports';
import { importAccountsFile, importPriceLibraryFile } from './accounts/imports';
import {
  accountDetail,
  accountRebalanceRequest,
  assignAccount,
  listAccounts,
  listModels,
  modelDetail,
  saveAccount,
  saveModel,
} from './accounts/records';
import type { Clock } from './rebalance';
import type { BlueprintResponse, TandemResponse } from '../contract/tandem';
import type { CopilotInsights } from '../contract/copilot';
import type { StressLibrary } from '../risk/stress';
import { copilotInsights, type RephrasePort } from '../copilot/rephrase';
import { savedRunJson } from './analytics';
import { decideRun } from './approvals';
import { policyResponse, putPolicy } from './policy';
import {
  compareRuns,
  computeAndSave,
  computeOf,
  listRuns,
  rebalanceAndSave,
  replayRun,
  runDetail,
  tradesCsv,
  type Amend,
} from './runs';
import { blueprint } from './tandem';
import { answerOf } from './compute/request';
import type { BatchService } from './batches/runner';

export interface ServiceDeps {
  clock: Clock & { monotonicMs(): number };
  store: Store;
  /** Native SHA-256 for input hashes, from the adapter (optional; a pure one is used otherwise). */
  sha256?: Sha256Parts;
  /** QP solver for optimized methods when computing on this thread (tests, CLI). */
  solver?: QpSolverPort;
  /** Where rebalances, replays, imports and analytics are computed (the adapters' worker pool). */
  compute?: ComputePort;
  /** Scenario definitions shipped in resources/scenarios.json, loaded by the adapter. */
  scenarios: z.input<typeof PreviewScenario>[];
  /** Proxy series for the historical stress windows (resources/data, loaded by the adapter). */
  stressLibrary?: StressLibrary | null;
  /** An optional language model that may rephrase the copilot narrative (number-checked). */
  rephraser?: RephrasePort | null;
  /** The project's measured forecast accuracy (resources/forecast_accuracy.json). */
  forecastAccuracy?: BlueprintResponse['forecast_accuracy'];
  /** Batch runs (services/batches/runner.ts), wired by the engine with its executor. */
  batches?: BatchService;
}

function portfolioDetail(store: Store, portfolio_id: string, version?: number) {
  const p = store.portfolios.get(portfolio_id, version);
  if (!p) {
    throw new EngineError(
      'NOT_FOUND',
      version
        ? `portfolio ${portfolio_id} has no version ${version}`
        : `portfolio ${portfolio_id} does not exist`,
      [{ path: version ? 'version' : 'portfolio_id', message: 'not found' }],
    );
  }
  return {
    portfolio_id: p.portfolio_id,
    name: p.name,
    version: p.version,
    created_at: p.created_at,
    content_hash: p.content_hash,
    // Checked by RebalanceRequest when saved; its hash is bound to the audit chain.
    content: JSON.parse(p.content_json) as RebalanceRequest,
    versions: store.portfolios.versions(portfolio_id),
  };
}

/** The handler map for every operation in the contract. */
export function createHandlers(deps: ServiceDeps) {
  const { store } = deps;
  // Parsed once: a shipped scenario that no longer satisfies the contract fails at start-up, and
  // clients see every default spelled out.
  const scenarios = deps.scenarios.map((s) => ({
    ...s,
    request: RebalanceRequest.parse(s.request),
  }));
  const compute = computeOf(deps);
  const run = { ...deps, compute };
  // A model may rephrase the copilot narrative, on this side (a network call, not computation);
  // the brief itself is computed with the run. Stored without a run_id (the record's key).
  const rephrased: Amend = async (out) => {
    const { run_id: _id, ...brief } = await copilotInsights(
      { ...out, run_id: '' },
      { rephrase: true, port: deps.rephraser ?? null },
    );
    return { copilot: brief };
  };
  const batches = (): BatchService => {
    if (!deps.batches)
      throw new EngineError('UNAVAILABLE', 'batch runs need the engine (createEngine)');
    return deps.batches;
  };
  return {
    health: () => {
      const ts = deps.clock.now().toISOString();
      return {
        status: 'ok' as const,
        service: SERVICE_NAME,
        version: ENGINE_VERSION,
        metadata: { timestamp_utc: ts, version: ENGINE_VERSION },
      };
    },
    rebalance: (input, ctx) => rebalanceAndSave(input, run, ctx.actor),
    previewScenarios: () => ({
      scenarios: scenarios.map((s) => ({
        ...s,
        portfolio_value: s.request.portfolio_value,
        drift_threshold: s.request.drift_threshold,
        turnover_limit: s.request.turnover_limit,
        transaction_cost_bps: s.request.transaction_cost_bps,
        assets: s.request.assets,
      })),
    }),
    listPortfolios: () => ({ portfolios: store.portfolios.list() }),
    savePortfolio: (input, ctx) => {
      const content_json = canonicalJson(input.content);
      // edit() refuses an unknown id itself (NOT_FOUND naming portfolio_id).
      const saved = input.portfolio_id
        ? store.portfolios.edit(input.portfolio_id, {
            content_json,
            name: input.name,
            actor: ctx.actor,
          })
        : store.portfolios.create({ name: input.name, content_json, actor: ctx.actor });
      return portfolioDetail(store, saved.portfolio_id, saved.version);
    },
    getPortfolio: (input) => portfolioDetail(store, input.portfolio_id, input.version),
    importPortfolio: (input, ctx) => importPortfolioFile(store, compute, input, ctx.actor),
    importPrices: (input, ctx) => importPriceFile(store, compute, input, ctx.actor),
    listModels: () => listModels(store),
    saveModel: (input, ctx) => saveModel(store, input, ctx.actor),
    getModel: (input) => modelDetail(store, input.model_id, input.version),
    listAccounts: (input) => listAccounts(store, input.model_id),
    saveAccount: (input, ctx) => saveAccount(store, input, ctx.actor),
    getAccount: (input) => accountDetail(store, input.account_id, input.version),
    assignAccount: (input, ctx) => assignAccount(store, input, ctx.actor),
    accountRebalanceRequest: (input) => accountRebalanceRequest(store, input),
    importAccounts: (input, ctx) => importAccountsFile(store, compute, input, ctx.actor),
    importPriceLibrary: (input, ctx) => importPriceLibraryFile(store, compute, input, ctx.actor),
    getPriceLibrary: () => ({ series: store.priceLibrary.list() }),
    createBatch: (input, ctx) => batches().create(input, ctx.actor),
    listBatches: (input) => batches().list(input),
    getBatch: (input) => batches().get(input.batch_id, input),
    cancelBatch: (input, ctx) => batches().cancel(input.batch_id, ctx.actor),
    listRuns: (input) => listRuns(store, input),
    compareRuns: (input) => compareRuns(store, input.a, input.b),
    getRun: (input) => runDetail(store, input.run_id),
    replayRun: (input) => replayRun(run, input.run_id),
    runPerformance: (input) => compute.run('performance', savedRunJson(store, input.run_id)),
    runFrontier: (input) =>
      compute.run('frontier', { ...savedRunJson(store, input.run_id), points: input.points }),
    analyticsMetrics: (input) => compute.run('metrics', input),
    approveRun: (input, ctx) => decideRun(store, input, 'approved', ctx.actor),
    rejectRun: (input, ctx) => decideRun(store, input, 'rejected', ctx.actor),
    getPolicy: () => policyResponse(store),
    putPolicy: (input, ctx) => putPolicy(store, input, ctx.actor),
    copilotInsights: async (input, ctx) => {
      const { rephrase, ...request } = input;
      const { run_id, output } = await computeAndSave(
        'copilot',
        request,
        run,
        ctx.actor,
        'copilot',
        rephrase ? rephrased : undefined,
      );
      return answerOf('copilotInsights', run_id, output) as CopilotInsights;
    },
    tandemDemo: async (input, ctx) => {
      const { run_id, output } = await computeAndSave('tandem', input, run, ctx.actor, 'tandem');
      return answerOf('tandemDemo', run_id, output) as TandemResponse;
    },
    blueprint: () => blueprint(policyResponse(store), deps.forecastAccuracy ?? null),
    runTradesCsv: (input) => tradesCsv(store, input.run_id),
    listAudit: (input) => {
      const events = store.audit.list({ after_seq: input.after_seq, limit: input.limit });
      const last = events.at(-1);
      return { events, next_after_seq: events.length === input.limit && last ? last.seq : null };
    },
    verifyAudit: (input) =>
      store.audit.verifyAsync(
        input.head_seq !== undefined && input.head_hash !== undefined
          ? {
              known_head: {
                seq: input.head_seq,
                hash: input.head_hash,
                ...(input.head_mac !== undefined ? { mac: input.head_mac } : {}),
              },
            }
          : {},
      ),
    exportAuditHead: () => store.audit.exportHead(),
  } satisfies Handlers;
}
