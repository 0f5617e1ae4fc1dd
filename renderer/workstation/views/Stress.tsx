/**
 * Stress tests (Risk tab): each historical window and policy shock applied to the current and
 * the proposed book — P&L in currency and as a fraction of the portfolio, and the weight with no
 * return for the window (counted as 0). A row opens to the return used for every asset.
 */
import { Fragment, useId, useState } from 'react';
import { DASH, money, pct, spct } from '../../shared/format';
import type { RebalanceResponse, StressResult } from '../../shared/types';
import { signClass } from '../../shared/ui';
import { StressChart } from './StressChart';

const SOURCE_WORDING: Record<string, string> = {
  own_history: 'own history',
  proxy: 'proxy',
  class_proxy: 'class proxy',
  shock: 'shock',
  unmapped: 'no return (0)',
};

function windowText(s: StressResult): string {
  if (s.kind === 'shock') return 'instant shock';
  return s.start && s.end ? `${s.start} → ${s.end}` : DASH;
}

export function StressTests({ r }: { r: RebalanceResponse }) {
  const tests = r.stress_tests ?? [];
  const titleId = useId();
  const [open, setOpen] = useState<string | null>(null);
  if (tests.length === 0) return null;
  const ccy = r.currency;
  return (
    <section className="block stress" aria-labelledby={titleId} data-testid="stress-tests">
      <div className="block-head">
        <h3 className="sub-title" id={titleId}>
          Stress tests <span className="count">{tests.length}</span>
        </h3>
        <span className="muted small">
          P&amp;L of the book over each window (or shock): negative = loss; click a row for the
          return used per asset
        </span>
      </div>
      <StressChart tests={tests} currency={ccy} />
      <div tabIndex={0} className="table-wrap">
        <table className="grid dense" data-testid="stress-table" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th>Scenario</th>
              <th>Window</th>
              <th className="n">Current P&amp;L</th>
              <th className="n">Current %</th>
              <th className="n">Proposed P&amp;L</th>
              <th className="n">Proposed %</th>
              <th
                className="n"
                title="Proposed weight of assets with no return for this window (counted as 0)"
              >
                Unmapped weight
              </th>
            </tr>
          </thead>
          <tbody>
            {tests.map((s) => {
              const isOpen = open === s.name;
              return (
                <Fragment key={s.name}>
                  <tr
                    data-testid="stress-row"
                    data-name={s.name}
                    data-kind={s.kind}
                    className={isOpen ? 'row-open' : ''}
                  >
                    <td>
                      <button
                        type="button"
                        className="disclosure"
                        aria-expanded={isOpen}
                        aria-label={`${isOpen ? 'Hide' : 'Show'} the asset returns of ${s.name}`}
                        data-testid="stress-toggle"
                        onClick={() => setOpen(isOpen ? null : s.name)}
                      >
                        <span className="caret" aria-hidden>
                          {isOpen ? '▾' : '▸'}
                        </span>
                        <span className="strong">{s.name}</span>
                      </button>{' '}
                      <span className="badge quiet">{s.kind}</span>
                    </td>
                    <td className="nowrap" data-testid="stress-window">
                      {windowText(s)}
                    </td>
                    <td
                      className={`n ${signClass(s.current.pnl)}`}
                      data-testid="stress-current-pnl"
                    >
                      {money(s.current.pnl, ccy, 0)}
                    </td>
                    <td
                      className={`n ${signClass(s.current.pnl_pct)}`}
                      data-testid="stress-current-pct"
                    >
                      {spct(s.current.pnl_pct)}
                    </td>
                    <td
                      className={`n strong ${signClass(s.proposed.pnl)}`}
                      data-testid="stress-proposed-pnl"
                    >
                      {money(s.proposed.pnl, ccy, 0)}
                    </td>
                    <td
                      className={`n strong ${signClass(s.proposed.pnl_pct)}`}
                      data-testid="stress-proposed-pct"
                    >
                      {spct(s.proposed.pnl_pct)}
                    </td>
                    <td
                      className={`n ${s.unmapped_weight > 0 ? 'flagged' : 'muted'}`}
                      data-testid="stress-unmapped"
                    >
                      {pct(s.unmapped_weight)}
                    </td>
                  </tr>
                  {isOpen ? (
                    <tr className="step-detail-row" data-testid="stress-detail" data-name={s.name}>
                      <td colSpan={7}>
                        <table
                          className="grid compact stress-assets"
                          data-testid="stress-assets"
                          aria-label={`Asset returns used for ${s.name}`}
                        >
                          <thead>
                            <tr>
                              <th>Asset</th>
                              <th>Class</th>
                              <th className="n">Return</th>
                              <th>Source</th>
                              <th>Series</th>
                            </tr>
                          </thead>
                          <tbody>
                            {s.assets.map((a) => (
                              <tr key={a.asset} data-testid="stress-asset-row" data-asset={a.asset}>
                                <td className="strong">{a.asset}</td>
                                <td>{a.asset_class}</td>
                                <td className={`n ${signClass(a.return)}`}>{spct(a.return)}</td>
                                <td className={a.source === 'unmapped' ? 'flagged' : ''}>
                                  {SOURCE_WORDING[a.source] ?? a.source}
                                </td>
                                <td className="mono">{a.series ?? DASH}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
