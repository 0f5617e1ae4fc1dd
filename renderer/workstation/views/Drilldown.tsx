import { useMemo, useState } from 'react';
import { ASSET_CLASSES } from '../../../src/contract/common';
import { money, pct, pp, spct, units } from '../../shared/format';
import type { AssetDrilldown, RebalanceResponse } from '../../shared/types';
import { ActionBadge, Empty, signClass, SourceTag, StatusBadge } from '../../shared/ui';

interface ClassGroup {
  name: string;
  assets: AssetDrilldown[];
  current: number;
  target: number;
  proposed: number;
}

/** Asset class → its assets → one asset's holdings, with a breadcrumb back up. */
export function DrilldownView({ r }: { r: RebalanceResponse }) {
  const [cls, setCls] = useState<string | null>(null);
  const [asset, setAsset] = useState<string | null>(null);
  const ccy = r.currency;

  const groups = useMemo(() => {
    const by = new Map<string, ClassGroup>();
    for (const d of Object.values(r.asset_drilldown)) {
      let g = by.get(d.asset_class);
      if (!g) {
        g = { name: d.asset_class, assets: [], current: 0, target: 0, proposed: 0 };
        by.set(d.asset_class, g);
      }
      g.assets.push(d);
      g.current += d.summary.current_weight;
      g.target += d.summary.target_weight;
      g.proposed += d.summary.proposed_weight;
    }
    const order = ASSET_CLASSES as readonly string[];
    return [...by.values()].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  }, [r]);

  const group = groups.find((g) => g.name === cls) ?? null;
  const detail = asset ? (r.asset_drilldown[asset] ?? null) : null;

  return (
    <div data-testid="view-drilldown">
      <nav className="crumbs" data-testid="drill-crumbs">
        <button
          type="button"
          className="link"
          data-testid="drill-crumb-root"
          onClick={() => {
            setCls(null);
            setAsset(null);
          }}
        >
          All classes
        </button>
        {group ? (
          <>
            <span className="sep">›</span>
            <button
              type="button"
              className="link"
              data-testid="drill-crumb-class"
              onClick={() => setAsset(null)}
            >
              {group.name}
            </button>
          </>
        ) : null}
        {detail ? (
          <>
            <span className="sep">›</span>
            <span className="strong">{detail.asset}</span>
          </>
        ) : null}
      </nav>

      {!group ? (
        <table className="grid clickable" data-testid="drill-classes">
          <thead>
            <tr>
              <th>Asset class</th>
              <th className="n">Assets</th>
              <th className="n">Current</th>
              <th className="n">Target</th>
              <th className="n">Drift</th>
              <th className="n">Proposed</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr
                key={g.name}
                data-testid="drill-class"
                data-class={g.name}
                tabIndex={0}
                onClick={() => setCls(g.name)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') setCls(g.name);
                }}
              >
                <td className="strong">{g.name} ›</td>
                <td className="n">{g.assets.length}</td>
                <td className="n">{pct(g.current)}</td>
                <td className="n">{pct(g.target)}</td>
                <td className="n">{pp(g.current - g.target)}</td>
                <td className="n">{pct(g.proposed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : !detail ? (
        <table className="grid clickable" data-testid="drill-assets">
          <thead>
            <tr>
              <th>Asset</th>
              <th className="n">Current</th>
              <th className="n">Target</th>
              <th className="n">Proposed</th>
              <th className="n">Forecast</th>
              <th>Action</th>
              <th className="n">Trade value</th>
              <th className="n">Holdings</th>
            </tr>
          </thead>
          <tbody>
            {group.assets.map((d) => (
              <tr
                key={d.asset}
                data-testid="drill-asset"
                data-asset={d.asset}
                tabIndex={0}
                onClick={() => setAsset(d.asset)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') setAsset(d.asset);
                }}
              >
                <td className="strong">{d.asset} ›</td>
                <td className="n">{pct(d.summary.current_weight)}</td>
                <td className="n">{pct(d.summary.target_weight)}</td>
                <td className="n">{pct(d.summary.proposed_weight)}</td>
                <td className={`n ${signClass(d.summary.forecast_return)}`}>
                  {spct(d.summary.forecast_return)}
                </td>
                <td>
                  <ActionBadge action={d.summary.trade_action} />
                </td>
                <td className="n">{money(d.summary.trade_value, ccy)}</td>
                <td className="n">{d.holdings.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <AssetDetail d={detail} ccy={ccy} />
      )}
    </div>
  );
}

function AssetDetail({ d, ccy }: { d: AssetDrilldown; ccy: string }) {
  const s = d.summary;
  const sent = d.holdings.filter((h) => h.rebalance_action !== 'Hold').length;
  return (
    <div data-testid="drill-detail" data-asset={d.asset}>
      <dl className="facts">
        <div>
          <dt>Current / target</dt>
          <dd>
            {pct(s.current_weight)} / {pct(s.target_weight)}
          </dd>
        </div>
        <div>
          <dt>Drift</dt>
          <dd>{pp(s.drift)}</dd>
        </div>
        <div>
          <dt>Optimized target</dt>
          <dd>{pct(s.optimized_target_weight)}</dd>
        </div>
        <div>
          <dt>Proposed</dt>
          <dd>{pct(s.proposed_weight)}</dd>
        </div>
        <div>
          <dt>Forecast (confidence)</dt>
          <dd>
            {spct(s.forecast_return)} ({pct(s.forecast_confidence, 0)})
          </dd>
        </div>
        <div>
          <dt>Trade</dt>
          <dd>
            <ActionBadge action={s.trade_action} /> {money(s.trade_value, ccy)} ·{' '}
            {s.trade_units === null
              ? `per holding (${sent} ${sent === 1 ? 'order' : 'orders'})`
              : `${units(s.trade_units)} units`}{' '}
            · cost {money(s.estimated_cost, ccy)}
          </dd>
        </div>
      </dl>
      {d.holdings.length === 0 ? (
        <Empty testId="drill-no-holdings">
          No holdings listed for {d.asset} in the request: the engine trades it at asset level.
        </Empty>
      ) : (
        <div tabIndex={0} className="table-wrap cq">
          <table className="grid dense" data-testid="drill-holdings">
            <thead>
              <tr>
                <th>Holding</th>
                <th className="n" title="Weight of the holding inside its asset">
                  In asset
                </th>
                <th className="n wide-only" title="Share of the whole portfolio (current)">
                  In portfolio
                </th>
                <th className="n">Last price</th>
                <th
                  className="n wide-only"
                  title="Portfolio value × current asset weight × weight in asset"
                >
                  Notional
                </th>
                <th className="n" title="Implied notional / last price">
                  Units held
                </th>
                <th className="n" title="Predicted annual return (forecast confidence)">
                  Pred. return (conf.)
                </th>
                <th>Source</th>
                <th>Action</th>
                <th className="n" title="Signed units of this holding's own order">
                  Order units
                </th>
                <th className="n" title="Signed value of this holding's own order">
                  Order value
                </th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {d.holdings.map((h) => (
                <tr key={h.holding} data-testid="drill-holding-row" data-holding={h.holding}>
                  <td className="strong">{h.holding}</td>
                  <td className="n">{pct(h.holding_weight)}</td>
                  <td className="n wide-only">{pct(h.portfolio_weight)}</td>
                  <td className="n">{money(h.last_price, ccy)}</td>
                  <td className="n wide-only">{money(h.implied_notional, ccy)}</td>
                  <td className="n">{units(Math.round(h.implied_units * 1e4) / 1e4)}</td>
                  <td className="n">
                    <span className={signClass(h.predicted_return)}>
                      {spct(h.predicted_return)}
                    </span>{' '}
                    <span className="muted">({pct(h.forecast_confidence, 0)})</span>
                  </td>
                  <td>
                    <SourceTag source={h.forecast_source} short />
                  </td>
                  <td>
                    <ActionBadge action={h.rebalance_action} />
                  </td>
                  <td className="n" data-testid="holding-units">
                    {units(h.trade_units)}
                  </td>
                  <td className={`n ${signClass(h.trade_value)}`} data-testid="holding-value">
                    {money(h.trade_value, ccy)}
                  </td>
                  <td>{h.status ? <StatusBadge status={h.status} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
