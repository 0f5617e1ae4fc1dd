import { DASH, pct, spct } from '../format';
import type { RebalanceResponse } from '../types';
import { signClass, SourceTag } from '../ui';

/** Forecasts per asset from each model and their ensemble, with the source of each. */
export function HouseViewView({ r }: { r: RebalanceResponse }) {
  const hv = r.house_view;
  const noHistory = hv.asset_forecasts.filter((f) => f.source === 'market_return');
  return (
    <div data-testid="view-houseview">
      <p className="caption">
        Annual simple returns · tilt budget {pct(hv.tilt_budget)}
        {hv.tilt_budget === 0 ? ' (optimized targets equal the policy targets)' : ''}
        {noHistory.length > 0
          ? ` · ${noHistory.length} of ${hv.asset_forecasts.length} assets have no history: their forecast is the market_return given in the request`
          : ''}
      </p>
      <table className="grid" data-testid="forecast-table">
        <thead>
          <tr>
            <th>Asset</th>
            <th className="n">Momentum</th>
            <th className="n">Mean reversion</th>
            <th className="n">EWMA</th>
            <th className="n">Ensemble</th>
            <th className="n">Confidence</th>
            <th className="n">Obs.</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {hv.asset_forecasts.map((f) => {
            const none = f.source === 'market_return';
            return (
              <tr key={f.asset} data-testid="forecast-row" data-asset={f.asset}>
                <td className="strong">{f.asset}</td>
                <td className={`n ${none ? 'muted' : signClass(f.momentum)}`}>
                  {none ? DASH : spct(f.momentum)}
                </td>
                <td className={`n ${none ? 'muted' : signClass(f.mean_reversion)}`}>
                  {none ? DASH : spct(f.mean_reversion)}
                </td>
                <td className={`n ${none ? 'muted' : signClass(f.ewma)}`}>
                  {none ? DASH : spct(f.ewma)}
                </td>
                <td className={`n strong ${signClass(f.ensemble)}`}>{spct(f.ensemble)}</td>
                <td className="n">{pct(f.confidence, 0)}</td>
                <td className="n">{f.observations}</td>
                <td>
                  {none ? (
                    <span
                      className="source source-assumed"
                      data-testid="no-history"
                      title="No price history or historical returns: the forecast is the market_return given in the request, with confidence 0."
                    >
                      no history · market_return used
                    </span>
                  ) : (
                    <SourceTag source={f.source} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="lists">
        <div data-testid="top-buys">
          <h3>Top conviction buys</h3>
          {hv.top_conviction_buys.length ? (
            <ol>
              {hv.top_conviction_buys.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ol>
          ) : (
            <p className="muted">none</p>
          )}
        </div>
        <div data-testid="risk-reduction">
          <h3>Risk reduction candidates</h3>
          {hv.risk_reduction_candidates.length ? (
            <ol>
              {hv.risk_reduction_candidates.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ol>
          ) : (
            <p className="muted">none</p>
          )}
        </div>
      </div>
    </div>
  );
}
