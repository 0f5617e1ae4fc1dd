/**
 * The computing half of an account import: the file parsed on a pool worker (as portfolio and
 * price files are, compute/imports.ts); the owner checks models and writes (services/accounts).
 */
import type { z } from 'zod';
import type { ImportAccountsRequest } from '../../contract/models';
import { importAccounts } from '../../data/import/accounts';

export type AccountsIn = z.output<typeof ImportAccountsRequest>;

export function parseAccountFile(req: AccountsIn) {
  return importAccounts({
    filename: req.filename,
    format: req.format,
    content: req.content,
    decimal_separator: req.decimal_separator,
    ...(req.sheet !== undefined ? { sheet: req.sheet } : {}),
    ...(req.mapping ? { mapping: req.mapping } : {}),
  });
}
