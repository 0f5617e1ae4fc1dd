/** The Accounts table's model filter: every account, those following no model, or one model's. */
import type { OpOutput } from '../../src/contract/operations';

type AccountRow = OpOutput<'listAccounts'>['accounts'][number];

/** '' every account, '-' those following no model, else a model id. */
export type AccountFilter = string;

export function filterAccounts(rows: readonly AccountRow[], filter: AccountFilter): AccountRow[] {
  if (filter === '') return [...rows];
  if (filter === '-') return rows.filter((a) => a.model_id === null);
  return rows.filter((a) => a.model_id === filter);
}
