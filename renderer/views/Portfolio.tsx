import { pct, pp } from '../format';
import type { RebalanceResponse } from '../types';
import { SourceTag } from '../ui';

/** Weights before and after: policy target, optimized target, drift against the band, proposal. */
export function PortfolioView({ r }: { r: RebalanceResponse }) {
  let cur = 0;
  let tgt = 0;
  let opt = 0;
  let prop = 0;
  for (const w of r.weights) {
    cur += w.current_weight;
    tgt += w.target_weight;
    opt += w.optimized_target_weight;
    prop += w.proposed_weight;
  }
  const outside = r.weights.filter((w) => w.outside_band).length;
  return (
    <div data-testid="view-portfolio">
      <p className="caption">
        Band ±{pp(r.drift_threshold).replace('+', '')} around each policy target ·{' '}
        {outside === 0 ? 'every asset inside its band' : `${outside} outside band`} · rebalancing to{' '}
        {r.rebalance_to === 'target' ? 'target' : 'band edge'} · proposed weights are shares of the
        value after costs (residual cash is the remainder)
      </p>
      <table className="grid" data-testid="weights-table">
        <thead>
          <tr>
            <th>Asset</th>
            <th>Class</th>
            <th className="n">Current</th>
            <th className="n">Target</th>
            <th className="n">Optimized target</th>
            <th className="n">Drift</th>
            <th className="n">Band</th>
            <th className="c">Band status</th>
            <th className="n">Proposed</th>
            <th>Forecast source</th>
          </tr>
        </thead>
        <tbody>
          {r.weights.map((w) => (
            <tr
              key={w.asset}
              data-testid="weight-row"
              data-asset={w.asset}
              className={w.outside_band ? 'row-flag' : ''}
            >
              <td className="strong">{w.asset}</td>
              <td>{w.asset_class}</td>
              <td className="n">{pct(w.current_weight)}</td>
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
              <td className="n muted">
                {pct(w.band_lower, 1)} – {pct(w.band_upper, 1)}
              </td>
              <td className="c">
                {w.outside_band ? (
                  <span className="badge flag" data-testid="outside-band">
                    outside
                  </span>
                ) : (
                  <span className="badge quiet">inside</span>
                )}
              </td>
              <td className="n strong">{pct(w.proposed_weight)}</td>
              <td>
                <SourceTag source={w.forecast_source} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={2}>Total</td>
            <td className="n">{pct(cur)}</td>
            <td className="n">{pct(tgt)}</td>
            <td className="n">{pct(opt)}</td>
            <td />
            <td />
            <td />
            <td className="n">{pct(prop)}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
