/** Response types the views render, straight from the contract (never redeclared by hand). */
import type { z } from 'zod';
import type { SupervisorCheck } from '../../src/contract/agents';
import type { Warning } from '../../src/contract/common';
import type { OpOutput, PreviewScenariosResponse } from '../../src/contract/operations';
import type {
  Drilldown,
  ForecastAlignment,
  OrderRow,
  RebalanceRequest,
  RebalanceResponse,
  TradeRow,
  WeightRow,
} from '../../src/contract/rebalance';

export type { Warning, RebalanceRequest, RebalanceResponse };
export type Weight = z.infer<typeof WeightRow>;
export type Trade = TradeRow;
export type Order = OrderRow;
export type Alignment = z.infer<typeof ForecastAlignment>;
export type AssetDrilldown = z.infer<typeof Drilldown>;
export type Scenario = z.infer<typeof PreviewScenariosResponse>['scenarios'][number];

/** Saved runs, portfolios, imports and audit events, as the store operations return them. */
export type RunSummary = OpOutput<'listRuns'>['runs'][number];
export type RunKind = RunSummary['kind'];
export type RunDetail = OpOutput<'getRun'>;
export type ReplayResult = OpOutput<'replayRun'>;
export type Comparison = OpOutput<'compareRuns'>;
export type PortfolioSummary = OpOutput<'listPortfolios'>['portfolios'][number];
export type PortfolioDetail = OpOutput<'getPortfolio'>;
export type PortfolioImport = OpOutput<'importPortfolio'>;
export type PriceImport = OpOutput<'importPrices'>;
export type ImportReport = PortfolioImport['report'];
export type AuditEvent = OpOutput<'listAudit'>['events'][number];
export type AuditVerification = OpOutput<'verifyAudit'>;

/** What the six agents add to a rebalance answer (src/contract/agents.ts). */
export type {
  AgentStep,
  ControlResult,
  DataHealthFinding,
  Decision,
  Evidence,
  QueueOrder,
  StressResult,
  SupervisorCheck,
} from '../../src/contract/agents';
export type CheckResult = SupervisorCheck['result'];
export type Policy = OpOutput<'getPolicy'>;
export type RunApproval = OpOutput<'approveRun'>;
