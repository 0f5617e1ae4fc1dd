import { z } from 'zod';
import { RunFrontierRequest, RunFrontierResponse, RunPerformanceResponse } from './analytics';
import { CopilotInsights, CopilotRequest } from './copilot';
import {
  BatchDetail,
  CancelBatchRequest,
  CreateBatchRequest,
  GetBatchRequest,
  ListBatchesRequest,
  ListBatchesResponse,
} from './batches';
import { MetricsRequest, MetricsResponse } from './metrics';
import { PolicyResponse, PutPolicyRequest } from './policy';
import {
  AccountDetail,
  AccountRebalanceRequestInput,
  AccountSummary,
  AssignAccountRequest,
  GetAccountRequest,
  GetModelRequest,
  ImportAccountsRequest,
  ImportAccountsResponse,
  ImportPriceLibraryRequest,
  ImportPriceLibraryResponse,
  ListAccountsRequest,
  ModelDetail,
  ModelSummary,
  PriceLibraryResponse,
  SaveAccountRequest,
  SaveModelRequest,
} from './models';
import { RebalanceRequest, RebalanceResponse } from './rebalance';
import { BlueprintResponse, RunApproval, RunDecisionRequest, TandemResponse } from './tandem';
import {
  CompareRequest,
  CompareResponse,
  GetPortfolioRequest,
  ImportPortfolioRequest,
  ImportPortfolioResponse,
  ImportPricesRequest,
  ImportPricesResponse,
  ListAuditRequest,
  ListAuditResponse,
  ListRunsRequest,
  ListRunsResponse,
  PortfolioDetail,
  PortfolioSummary,
  ReplayResponse,
  RunDetail,
  RunIdRequest,
  SavePortfolioRequest,
  VerifyAuditRequest,
  VerifyAuditResponse,
  AuditHeadResponse,
} from './store';

/**
 * One entry per capability. Everything else is derived from this table: runtime validation at
 * every boundary, the HTTP route, the IPC channel payload, the OpenAPI document and the
 * renderer's typed client. Adding an operation here without a handler is a compile error in
 * src/services (handlers `satisfies Handlers`).
 */
export interface OperationDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'PUT';
  /** Path with `{param}` placeholders; params and query string merge into the input object. */
  path: string;
  summary: string;
  input: I;
  output: O;
  /** false only for /api/health: it carries no portfolio data. */
  auth: boolean;
  /** Heavy operations count against the concurrent-job limit (429 when exceeded). */
  heavy: boolean;
  /** Non-JSON success body (e.g. CSV); the handler then returns a string. */
  contentType?: 'text/csv';
  tag: string;
}

const def = <I extends z.ZodType, O extends z.ZodType>(d: OperationDef<I, O>) => d;

export const ENGINE_VERSION = '0.5.0';
export const SERVICE_NAME = 'smart-portfolio-rebalancer';

export const HealthResponse = z.object({
  status: z.literal('ok'),
  service: z.string(),
  version: z.string(),
  metadata: z.object({ timestamp_utc: z.string(), version: z.string() }),
});

export const PreviewScenario = z.object({
  name: z.string(),
  description: z.string(),
  source: z.string().describe('Where the numbers come from (e.g. real prices, window, credit).'),
  request: RebalanceRequest.describe('A complete POST /api/rebalance body.'),
});
export const PreviewScenariosResponse = z.object({
  scenarios: z.array(
    PreviewScenario.extend({
      // The seed returned the request fields at the top level of each scenario; keep them there
      // too so scripts written for the seed still work.
      portfolio_value: z.number(),
      drift_threshold: z.number(),
      turnover_limit: z.number(),
      transaction_cost_bps: z.number(),
      assets: z.array(z.unknown()),
    }),
  ),
});

export const operations = {
  health: def({
    method: 'GET',
    path: '/api/health',
    summary: 'Liveness and version. Open without a token; returns no portfolio data.',
    input: z.object({}),
    output: HealthResponse,
    auth: false,
    heavy: false,
    tag: 'system',
  }),
  rebalance: def({
    method: 'POST',
    path: '/api/rebalance',
    summary:
      'Drift, trades, risk (current and proposed), house view, Monte Carlo and drilldown for a portfolio.',
    input: RebalanceRequest,
    output: RebalanceResponse,
    auth: true,
    heavy: true,
    tag: 'rebalance',
  }),
  previewScenarios: def({
    method: 'GET',
    path: '/api/preview-scenarios',
    summary: 'Ready-made scenarios: the seed’s two and several built from real price history.',
    input: z.object({}),
    output: PreviewScenariosResponse,
    auth: true,
    heavy: false,
    tag: 'rebalance',
  }),
  listPortfolios: def({
    method: 'GET',
    path: '/api/portfolios',
    summary: 'Saved portfolios, most recently updated first.',
    input: z.object({}),
    output: z.object({ portfolios: z.array(PortfolioSummary) }),
    auth: true,
    heavy: false,
    tag: 'portfolios',
  }),
  savePortfolio: def({
    method: 'POST',
    path: '/api/portfolios',
    summary: 'Create a portfolio, or save a new version of one (older versions stay readable).',
    input: SavePortfolioRequest,
    output: PortfolioDetail,
    auth: true,
    heavy: false,
    tag: 'portfolios',
  }),
  getPortfolio: def({
    method: 'GET',
    path: '/api/portfolios/{portfolio_id}',
    summary: 'A portfolio version (latest unless `version` is given) with its version history.',
    input: GetPortfolioRequest,
    output: PortfolioDetail,
    auth: true,
    heavy: false,
    tag: 'portfolios',
  }),
  importPortfolio: def({
    method: 'POST',
    path: '/api/import/portfolio',
    summary:
      'Import holdings and targets from CSV, XLSX (base64) or JSON; all or nothing, with a report.',
    input: ImportPortfolioRequest,
    output: ImportPortfolioResponse,
    auth: true,
    heavy: true,
    tag: 'import',
  }),
  importPrices: def({
    method: 'POST',
    path: '/api/import/prices',
    summary: 'Import price history (long or wide CSV, or XLSX); all or nothing, with a report.',
    input: ImportPricesRequest,
    output: ImportPricesResponse,
    auth: true,
    heavy: true,
    tag: 'import',
  }),
  listModels: def({
    method: 'GET',
    path: '/api/models',
    summary: 'Model portfolios, most recently updated first.',
    input: z.object({}),
    output: z.object({ models: z.array(ModelSummary) }),
    auth: true,
    heavy: false,
    tag: 'models',
  }),
  saveModel: def({
    method: 'POST',
    path: '/api/models',
    summary:
      'Create a model (targets, band, method and settings), or save a new version of one: `expected_version` is the version you read (409 when another was saved since).',
    input: SaveModelRequest,
    output: ModelDetail,
    auth: true,
    heavy: false,
    tag: 'models',
  }),
  getModel: def({
    method: 'GET',
    path: '/api/models/{model_id}',
    summary: 'A model version (latest unless `version` is given) with its version history.',
    input: GetModelRequest,
    output: ModelDetail,
    auth: true,
    heavy: false,
    tag: 'models',
  }),
  listAccounts: def({
    method: 'GET',
    path: '/api/accounts',
    summary: 'Accounts, most recently updated first; `model_id` keeps those following that model.',
    input: ListAccountsRequest,
    output: z.object({ accounts: z.array(AccountSummary) }),
    auth: true,
    heavy: false,
    tag: 'models',
  }),
  saveAccount: def({
    method: 'POST',
    path: '/api/accounts',
    summary:
      'Create an account (positions, cash, currency, model), or save a new version of one: `expected_version` is the version you read (409 when another was saved since).',
    input: SaveAccountRequest,
    output: AccountDetail,
    auth: true,
    heavy: false,
    tag: 'models',
  }),
  getAccount: def({
    method: 'GET',
    path: '/api/accounts/{account_id}',
    summary: 'An account version (latest unless `version` is given) with its version history.',
    input: GetAccountRequest,
    output: AccountDetail,
    auth: true,
    heavy: false,
    tag: 'models',
  }),
  assignAccount: def({
    method: 'POST',
    path: '/api/accounts/{account_id}/assign',
    summary:
      'Make the account follow a model (null: none): a new account version and an account.assigned audit event.',
    input: AssignAccountRequest,
    output: AccountDetail,
    auth: true,
    heavy: false,
    tag: 'models',
  }),
  accountRebalanceRequest: def({
    method: 'GET',
    path: '/api/accounts/{account_id}/rebalance-request',
    summary:
      'The POST /api/rebalance body for the account: its positions valued at the price library’s last closes, its model’s targets and settings, and the common price history. 409 when the account follows no model or an asset has no history in the library.',
    input: AccountRebalanceRequestInput,
    output: RebalanceRequest,
    auth: true,
    heavy: false,
    tag: 'models',
  }),
  importAccounts: def({
    method: 'POST',
    path: '/api/accounts/import',
    summary:
      'Import accounts from CSV, XLSX (base64) or JSON, one row per account × position; all or nothing, with a report of the accounts created, updated or unchanged.',
    input: ImportAccountsRequest,
    output: ImportAccountsResponse,
    auth: true,
    heavy: true,
    tag: 'import',
  }),
  importPriceLibrary: def({
    method: 'POST',
    path: '/api/price-library/import',
    summary:
      'Import price series into the shared library (the price import’s CSV/XLSX formats); a re-import adds a version per changed series, never overwrites.',
    input: ImportPriceLibraryRequest,
    output: ImportPriceLibraryResponse,
    auth: true,
    heavy: true,
    tag: 'import',
  }),
  getPriceLibrary: def({
    method: 'GET',
    path: '/api/price-library',
    summary: 'The series in the price library: latest version, first and last date, count.',
    input: z.object({}),
    output: PriceLibraryResponse,
    auth: true,
    heavy: false,
    tag: 'models',
  }),
  createBatch: def({
    method: 'POST',
    path: '/api/batches',
    summary:
      'Start a batch: every account of a model (or those named) rebalanced against it, or a list of POST /api/rebalance bodies. Answers at once (200, status `queued`) with `batch_id`; each item becomes an ordinary saved run linked to the batch. Poll GET /api/batches/{batch_id} for progress.',
    input: CreateBatchRequest,
    output: BatchDetail,
    auth: true,
    heavy: false,
    tag: 'batches',
  }),
  listBatches: def({
    method: 'GET',
    path: '/api/batches',
    summary: 'Batches, newest first, with their progress; page with `before`.',
    input: ListBatchesRequest,
    output: ListBatchesResponse,
    auth: true,
    heavy: false,
    tag: 'batches',
  }),
  getBatch: def({
    method: 'GET',
    path: '/api/batches/{batch_id}',
    summary:
      'A batch: status, progress (total, done, failed, by decision), a page of items with their run_id, and the exceptions among them (review, rejected, failed or unbuilt items, bands still breached).',
    input: GetBatchRequest,
    output: BatchDetail,
    auth: true,
    heavy: false,
    tag: 'batches',
  }),
  cancelBatch: def({
    method: 'POST',
    path: '/api/batches/{batch_id}/cancel',
    summary:
      'Cancel a batch: no item starts after the answer; items not started are cancelled, those computing are still saved. 409 when the batch is done; a cancelled batch answers as it is.',
    input: CancelBatchRequest,
    output: BatchDetail,
    auth: true,
    heavy: false,
    tag: 'batches',
  }),
  listRuns: def({
    method: 'GET',
    path: '/api/runs',
    summary: 'Saved runs, newest first, paged with `cursor`; filter by portfolio, kind and date.',
    input: ListRunsRequest,
    output: ListRunsResponse,
    auth: true,
    heavy: false,
    tag: 'runs',
  }),
  compareRuns: def({
    method: 'GET',
    path: '/api/runs/compare',
    summary: 'What changed between two runs (inputs, targets, trades, risk) and why.',
    input: CompareRequest,
    output: CompareResponse,
    auth: true,
    heavy: false,
    tag: 'runs',
  }),
  getRun: def({
    method: 'GET',
    path: '/api/runs/{run_id}',
    summary: 'One run with its full input and output (the JSON export of a run).',
    input: RunIdRequest,
    output: RunDetail,
    auth: true,
    heavy: false,
    tag: 'runs',
  }),
  replayRun: def({
    method: 'POST',
    path: '/api/runs/{run_id}/replay',
    summary: 'Re-run the stored input with this engine and report whether the output is identical.',
    input: RunIdRequest,
    output: ReplayResponse,
    auth: true,
    heavy: true,
    tag: 'runs',
  }),
  runTradesCsv: def({
    method: 'GET',
    path: '/api/runs/{run_id}/trades.csv',
    summary: 'The trade list of a run as CSV.',
    input: RunIdRequest,
    output: z.string(),
    auth: true,
    heavy: false,
    contentType: 'text/csv',
    tag: 'runs',
  }),
  runPerformance: def({
    method: 'GET',
    path: '/api/runs/{run_id}/performance',
    summary:
      'Cumulative return and drawdown of the current and proposed portfolio (and the benchmark) over the run’s price history; 422 without price_history.',
    input: RunIdRequest,
    output: RunPerformanceResponse,
    auth: true,
    heavy: true,
    tag: 'runs',
  }),
  runFrontier: def({
    method: 'GET',
    path: '/api/runs/{run_id}/frontier',
    summary:
      'Efficient frontier of the run’s optimizer problem (its μ, Σ and constraints) with the current, target, proposed, max-Sharpe and minimum-variance portfolios marked; `points` 5–60 (default 25).',
    input: RunFrontierRequest,
    output: RunFrontierResponse,
    auth: true,
    heavy: true,
    tag: 'runs',
  }),
  analyticsMetrics: def({
    method: 'POST',
    path: '/api/analytics/metrics',
    summary:
      'Performance and risk metrics of return or price series (CAGR, volatility, Sharpe, Sortino, Calmar, drawdowns, CDaR, ulcer index, VaR/CVaR at each confidence level, skewness, kurtosis, alpha/beta and relative figures against a benchmark, rolling Sharpe) and, for weights, the portfolio’s effective number of assets and diversification ratio; 422 when no series reaches min_observations.',
    input: MetricsRequest,
    output: MetricsResponse,
    auth: true,
    heavy: true,
    tag: 'analytics',
  }),
  approveRun: def({
    method: 'POST',
    path: '/api/runs/{run_id}/approve',
    summary:
      'A person approves a run (a note is required); audit event run.approved; a second decision is 409.',
    input: RunDecisionRequest,
    output: RunApproval,
    auth: true,
    heavy: false,
    tag: 'runs',
  }),
  rejectRun: def({
    method: 'POST',
    path: '/api/runs/{run_id}/reject',
    summary:
      'A person rejects a run (a note is required); audit event run.rejected; a second decision is 409.',
    input: RunDecisionRequest,
    output: RunApproval,
    auth: true,
    heavy: false,
    tag: 'runs',
  }),
  getPolicy: def({
    method: 'GET',
    path: '/api/policy',
    summary:
      'The supervisor’s policy in force: limits, data-health severities, pre-trade controls.',
    input: z.object({}),
    output: PolicyResponse,
    auth: true,
    heavy: false,
    tag: 'agents',
  }),
  putPolicy: def({
    method: 'PUT',
    path: '/api/policy',
    summary:
      'Store a new policy version (send the document GET returns, edited); 409 when `version` is not the current one.',
    input: PutPolicyRequest,
    output: PolicyResponse,
    auth: true,
    heavy: false,
    tag: 'agents',
  }),
  copilotInsights: def({
    method: 'POST',
    path: '/api/ai-copilot/insights',
    summary:
      'Run the six agents and write the copilot brief from the run’s own figures (narrative, ranked actions, risk flags, execution playbook), saved as a copilot run.',
    input: CopilotRequest,
    output: CopilotInsights,
    auth: true,
    heavy: true,
    tag: 'agents',
  }),
  tandemDemo: def({
    method: 'POST',
    path: '/api/multi-agent/tandem-demo',
    summary:
      'Run the six agents on a rebalance request and return their timeline (the real step records), saved as a tandem run.',
    input: RebalanceRequest,
    output: TandemResponse,
    auth: true,
    heavy: true,
    tag: 'agents',
  }),
  blueprint: def({
    method: 'GET',
    path: '/api/multi-agent-blueprint',
    summary:
      'The agents in flow order (roles, versions, inputs, outputs), the policy in force, measured forecast accuracy and governance.',
    input: z.object({}),
    output: BlueprintResponse,
    auth: true,
    heavy: false,
    tag: 'agents',
  }),
  listAudit: def({
    method: 'GET',
    path: '/api/audit',
    summary: 'Audit events after `after_seq`, ascending.',
    input: ListAuditRequest,
    output: ListAuditResponse,
    auth: true,
    heavy: false,
    tag: 'audit',
  }),
  verifyAudit: def({
    method: 'GET',
    path: '/api/audit/verify',
    summary:
      'Walk the hash chain, compare its head with the keyed copy kept outside the database, check every stored run against its audit events, and (given head_seq/head_hash from GET /api/audit/head) that the chain still holds that event.',
    input: VerifyAuditRequest,
    output: VerifyAuditResponse,
    auth: true,
    heavy: true,
    tag: 'audit',
  }),
  exportAuditHead: def({
    method: 'GET',
    path: '/api/audit/head',
    summary:
      'The last audit event (seq, hash) to save outside the data directory; pass it back to /api/audit/verify to detect a rollback or truncation.',
    input: z.object({}),
    output: AuditHeadResponse,
    auth: true,
    heavy: false,
    tag: 'audit',
  }),
} as const;

export type Operations = typeof operations;
export type OpName = keyof Operations;
export type OpInput<K extends OpName> = z.input<Operations[K]['input']>;
export type OpParsedInput<K extends OpName> = z.output<Operations[K]['input']>;
export type OpOutput<K extends OpName> = z.output<Operations[K]['output']>;

/** What every handler map must provide (`satisfies Handlers` in src/services). */
export type Handlers = {
  [K in OpName]: (input: OpParsedInput<K>, ctx: CallContext) => Promise<OpOutput<K>> | OpOutput<K>;
};

/** Who is calling, for the audit trail. */
export interface CallContext {
  actor: string;
  transport: 'http' | 'ipc' | 'inprocess' | 'cli';
}
