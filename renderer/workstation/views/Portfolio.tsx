import { useId } from 'react';
import { bandConstraint, money, pct, pp, sourceLabel } from '../../shared/format';
import type { RebalanceResponse, Weight } from '../../shared/types';
import { PostTradeBand, SourceTag } from '../../shared/ui';
import { AllocationChart } from './AllocationChart';
import { DriftChart } from './DriftChart';

const REBALANCE_TO: Record<string, string> = {
  target: 'target (breaching assets to target)',
  band_edge: 'band edge (breaching assets to the nearest edge)',
  full: 'full (every asset to target)',
};

/**
 * Weights before and after: policy target, optimized target, drift against the band, the weight
 * the method decided, the proposal and whether it ends inside the band. Assets still outside
 * after the trades are listed first, in the exceptions box.
 */
export function PortfolioView({ r }: { r: RebalanceResponse }) {
  let cur = 0;
  let tgt = 0;
  let opt = 0;
  let dec = 0;
  let prop = 0;
  for (const w of r.weights) {
    cur += w.current_weight;
    tgt += w.target_weight;
    opt += w.optimized_target_weight;
    dec += w.decided_weight ?? Number.NaN;
    prop += w.proposed_weight;
  }
  const s = r.trade_summary;
  const outside = r.weights.filter((w) => w.outside_band).length;
  const flow = s.cash_flow ?? 0;
  // The band test uses current weights after the cash flow: show them when they differ.
  const showAfterFlow = flow !== 0;
  const exceptions = r.weights.filter((w) => w.post_trade_band_status === 'outside');
  const base = s.value_after_flow ?? r.portfolio_value;
  return (
    <div data-testid="view-portfolio">
      {(s.band_breaches_remaining ?? 0) > 0 || exceptions.length > 0 ? (
        <BandExceptions r={r} rows={exceptions} />
      ) : null}
      <p className="caption" data-testid="portfolio-caption">
        Band ±{pp(r.drift_threshold).replace('+', '')} around each policy target ·{' '}
        {outside === 0 ? 'every asset inside its band' : `${outside} outside band`} before the
        trades
        {typeof s.band_breaches_remaining === 'number'
          ? `, ${s.band_breaches_remaining === 0 ? 'none' : s.band_breaches_remaining} after`
          : ''}{' '}
        · rebalancing to {REBALANCE_TO[r.rebalance_to] ?? r.rebalance_to}
        {flow > 0 ? ` · contribution of ${money(flow, r.currency)} to invest` : ''}
        {flow < 0 ? ` · withdrawal of ${money(-flow, r.currency)} to raise` : ''} · decided and
        proposed weights are shares of {flow !== 0 ? 'the value after the cash flow' : 'the value'}{' '}
        ({money(base, r.currency, 0)}; proposed after costs), residual cash is the remainder
      </p>
      <div className="chart-pair">
        <AllocationChart weights={r.weights} />
        <DriftChart weights={r.weights} />
      </div>
      <div tabIndex={0} className="table-wrap cq">
        <table
          className={`grid dense ${showAfterFlow ? 'has-flow' : ''}`}
          data-testid="weights-table"
        >
          <thead>
            <tr>
              <th>Asset</th>
              <th className="wide-only class-col">Class</th>
              <th className="n">Current</th>
              {showAfterFlow ? (
                <th
                  className="n"
                  title="Current weight as a share of the value after the cash flow"
                >
                  After flow
                </th>
              ) : null}
              <th className="n">Target</th>
              <th className="n" title="Policy target tilted by the house view (tilt budget)">
                Opt. target
              </th>
              <th className="n">Drift</th>
              <th className="n">Band</th>
              <th className="c" title="Band status before the trades (after the cash flow)">
                Band before
              </th>
              <th
                className="n"
                title="Weight the method decided, before the orders were sized (turnover cap, cash, lots, minimum trades)"
              >
                Decided
              </th>
              <th
                className="n"
                title="Weight after the orders, as a share of the value after costs"
              >
                Proposed
              </th>
              <th title="Band status after the trades, with what kept an asset outside">
                Band after
              </th>
              <th className="wide-only">Forecast source</th>
            </tr>
          </thead>
          <tbody>
            {r.weights.map((w) => (
              <tr
                key={w.asset}
                data-testid="weight-row"
                data-asset={w.asset}
                data-post-band={w.post_trade_band_status ?? ''}
                className={w.outside_band ? 'row-flag' : ''}
              >
                <td
                  className="strong"
                  title={`${w.asset_class} · forecast from ${sourceLabel(w.forecast_source)}`}
                >
                  {w.asset}
                </td>
                <td className="wide-only class-col">{w.asset_class}</td>
                <td className="n">{pct(w.current_weight)}</td>
                {showAfterFlow ? <td className="n">{pct(w.current_weight_after_flow)}</td> : null}
                <td className="n">{pct(w.target_weight)}</td>
                <td
                  className="n"
                  title={
                    Math.abs(w.optimized_target_weight - w.target_weight) > 1e-9
                      ? `tilted ${pp(w.optimized_target_weight - w.target_weight)} by the house view`
                      : 'equal to the policy target'
                  }
                >
                  {pct(w.optimized_target_weight)}
                </td>
                <td className={`n ${w.outside_band ? 'flagged' : ''}`}>{pp(w.drift)}</td>
                <td className="n muted">{bandRange(w)}</td>
                <td className="c">
                  {w.outside_band ? (
                    <span className="badge flag" data-testid="outside-band">
                      outside
                    </span>
                  ) : (
                    <span className="badge quiet">inside</span>
                  )}
                </td>
                <td className="n" data-testid="decided-weight">
                  {pct(w.decided_weight)}
                </td>
                <td className="n strong">{pct(w.proposed_weight)}</td>
                <td>
                  <PostTradeBand status={w.post_trade_band_status} constraint={w.band_constraint} />
                </td>
                <td className="wide-only">
                  <SourceTag source={w.forecast_source} short />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td>Total</td>
              <td className="wide-only class-col" />
              <td className="n">{pct(cur)}</td>
              {showAfterFlow ? <td /> : null}
              <td className="n">{pct(tgt)}</td>
              <td className="n">{pct(opt)}</td>
              <td />
              <td />
              <td />
              <td className="n">{pct(dec)}</td>
              <td className="n">{pct(prop)}</td>
              <td />
              <td className="wide-only" />
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}

/** The assets still outside their band after the trades, with what prevented each. */
function BandExceptions({ r, rows }: { r: RebalanceResponse; rows: Weight[] }) {
  const n = rows.length || (r.trade_summary.band_breaches_remaining ?? 0);
  const titleId = useId();
  return (
    <section
      className="exceptions"
      role="alert"
      aria-labelledby={titleId}
      data-testid="band-exceptions"
      data-count={n}
    >
      <h3 id={titleId}>
        {n === 1 ? '1 asset remains' : `${n} assets remain`} outside the band after the trades
      </h3>
      <table className="grid compact" data-testid="exceptions-table">
        <thead>
          <tr>
            <th>Asset</th>
            <th className="n">Before</th>
            <th className="n">After trades</th>
            <th className="n">Band</th>
            <th className="n">Decided</th>
            <th>Held back by</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => {
            const c = bandConstraint(w.band_constraint);
            return (
              <tr
                key={w.asset}
                data-testid="exception-row"
                data-asset={w.asset}
                data-constraint={w.band_constraint ?? ''}
              >
                <td className="strong">{w.asset}</td>
                <td className="n">{pct(w.current_weight_after_flow ?? w.current_weight)}</td>
                <td className="n strong">{pct(w.proposed_weight)}</td>
                <td className="n muted">{bandRange(w)}</td>
                <td className="n">{pct(w.decided_weight)}</td>
                <td>
                  <span className="strong">{c.label}</span>
                  {c.help ? <span className="muted">: {c.help}</span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="small muted">
        These assets end the run outside their band; the BAND_BREACH_REMAINS warning lists the same.
      </p>
    </section>
  );
}

/** A band as one compact range: 13.0–17.0%. */
function bandRange(w: Weight): string {
  return `${(w.band_lower * 100).toFixed(1)}–${pct(w.band_upper, 1)}`;
}
