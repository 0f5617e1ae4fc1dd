/**
 * The accounts: id, name, the model each follows (changed in place), positions and cash from its
 * latest version. Shown a page at a time (each row's positions come from its own detail), and
 * filtered by the model followed.
 */
import type { AccountDetail } from '../../src/contract/models';
import type { OpOutput } from '../../src/contract/operations';
import { money, units } from '../shared/format';
import { Empty } from '../shared/ui';
import { AssignModel } from './AssignModel';
import { detailKey, type Detail } from './useDetails';

type ModelRow = OpOutput<'listModels'>['models'][number];
type AccountRow = OpOutput<'listAccounts'>['accounts'][number];

export const ACCOUNT_PAGE = 50;

export function AccountList({
  rows,
  shown,
  models,
  details,
  onMore,
  onAssigned,
}: {
  /** The accounts passing the filter. */
  rows: AccountRow[];
  /** How many of them are shown. */
  shown: number;
  models: ModelRow[];
  details: Map<string, Detail<AccountDetail>>;
  onMore: () => void;
  onAssigned: () => void;
}) {
  if (rows.length === 0)
    return (
      <Empty testId="accounts-empty">
        No account here yet. Import an accounts file above: one row per account × position.
      </Empty>
    );
  return (
    <>
      <div className="list-box">
        <table className="grid compact accounts-grid" data-testid="accounts-table">
          <thead>
            <tr>
              <th>Account</th>
              <th>Name</th>
              <th>Model followed</th>
              <th className="n">Positions</th>
              <th className="n">Cash</th>
              <th className="n">Version</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, shown).map((a) => {
              const d = details.get(detailKey(a.account_id, a.latest_version));
              const c = d?.state === 'ready' ? d.value.content : null;
              return (
                <tr
                  key={a.account_id}
                  data-testid="account-row"
                  data-account={a.account_id}
                  data-model={a.model_id ?? ''}
                >
                  <td className="mono">{a.account_id}</td>
                  <td>{a.name}</td>
                  <td>
                    <AssignModel account={a} models={models} onAssigned={onAssigned} />
                  </td>
                  <td className="n" data-testid="account-positions">
                    {c ? units(c.positions.length) : d?.state === 'error' ? '?' : '…'}
                  </td>
                  <td className="n" data-testid="account-cash">
                    {c ? money(c.cash, c.currency ?? 'USD', 2) : d?.state === 'error' ? '?' : '…'}
                  </td>
                  <td className="n">v{a.latest_version}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {rows.length > shown ? (
        <div className="list-foot">
          <button type="button" className="btn" data-testid="accounts-more" onClick={onMore}>
            Show {Math.min(ACCOUNT_PAGE, rows.length - shown)} more of {rows.length - shown}
          </button>
        </div>
      ) : null}
    </>
  );
}
