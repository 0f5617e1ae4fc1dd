/**
 * Shapes of the account import (issue #13): one row per account × position. Kept apart from
 * types.ts (portfolio and price files) so each file has one job; the contract reuses these.
 */
import { z } from 'zod';

/** Canonical account-file fields a column can map to. */
export const ACCOUNT_FIELDS = [
  'account_id',
  'account_name',
  'asset',
  'asset_class',
  'quantity',
  'price',
  'cash',
  'currency',
  'model_id',
  'lot_size',
] as const;
export type AccountField = (typeof ACCOUNT_FIELDS)[number];

// A header may be blank, so '' is a valid mapping target (as PortfolioMapping).
const header = z.string().max(256).nullable();

export const AccountMapping = z
  .object(
    Object.fromEntries(ACCOUNT_FIELDS.map((f) => [f, header])) as Record<
      AccountField,
      typeof header
    >,
  )
  .partial()
  .strict()
  .describe('Field → header in the file. null disables a field; absent fields are auto-detected.');
export type AccountMapping = z.infer<typeof AccountMapping>;
