/** Response types the views render, straight from the contract (never redeclared by hand). */
import type { z } from 'zod';
import type { Warning } from '../src/contract/common';
import type { PreviewScenariosResponse } from '../src/contract/operations';
import type { Drilldown, RebalanceResponse, TradeRow, WeightRow } from '../src/contract/rebalance';

export type { Warning, RebalanceResponse };
export type Weight = z.infer<typeof WeightRow>;
export type Trade = TradeRow;
export type AssetDrilldown = z.infer<typeof Drilldown>;
export type Scenario = z.infer<typeof PreviewScenariosResponse>['scenarios'][number];
