import { useId } from 'react';
import { DASH, pct, spct } from '../../shared/format';
import type { Alignment, RebalanceResponse } from '../../shared/types';
import { ActionBadge, AlignmentBadge, signClass, SourceTag } from '../../shared/ui';

/**
 * Forecasts per asset from each model, their unshrunk ensemble, the historical mean it is shrunk
 * toward and the shrunk forecast every other figure uses; then whether the plan trades with or
 * against each forecast.
 */
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
      <p className="caption" data-testid="shrink-note">
        <strong>Forecast</strong> = confidence × ensemble + (1 − confidence) × historical mean: the
        model ensemble shrunk toward the historical mean by its confidence. The forecast is the
        figure used everywhere else (tilts, expected return, the plan below).
      </p>
      <div tabIndex={0} className="table-wrap">
        <table className="grid dense" data-testid="forecast-table">
          <thead>
            <tr>
              <th>Asset</th>
              <th className="n">Momentum</th>
              <th className="n">Mean reversion</th>
              <th className="n">EWMA</th>
              <th className="n" title="Weighted average of the three models, before shrinkage">
                Ensemble (unshrunk)
              </th>
              <th className="n" title="exp(252 · mean daily log return) − 1: the shrinkage anchor">
                Historical mean
              </th>
              <th
                className="n"
                title="Confidence of the ensemble (0–100%): its weight against the historical mean"
              >
                Conf.
              </th>
              <th
                className="n"
                title="The ensemble shrunk toward the historical mean by its confidence"
              >
                Forecast (shrunk)
              </th>
              <th className="n">Obs.</th>
              <th>Source</th>
            </tr>
          </thead>
          <tbody>
            {hv.asset_forecasts.map((f) => {
              const none = f.source === 'market_return';
              const model = (x: number | undefined) => (
                <td className={`n ${none ? 'muted' : signClass(x)}`}>{none ? DASH : spct(x)}</td>
              );
              return (
                <tr key={f.asset} data-testid="forecast-row" data-asset={f.asset}>
                  <td className="strong">{f.asset}</td>
                  {model(f.momentum)}
                  {model(f.mean_reversion)}
                  {model(f.ewma)}
                  {model(f.ensemble_unshrunk)}
                  {model(f.historical_mean)}
                  <td className="n">{pct(f.confidence, 0)}</td>
                  <td
                    className={`n strong ${signClass(f.ensemble)}`}
                    data-testid="forecast-ensemble"
                  >
                    {spct(f.ensemble)}
                  </td>
                  <td className="n">{f.observations}</td>
                  <td>
                    {none ? (
                      <span
                        className="source source-assumed"
                        data-testid="no-history"
                        title="No price history or historical returns: the forecast is the market_return given in the request, with confidence 0."
                      >
                        no history · market_return
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
      </div>
      {hv.alignment ? <PlanVsForecast rows={hv.alignment} /> : null}
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

/** Per asset: the forecast, the plan's action, and whether that trades with or against it. */
function PlanVsForecast({ rows }: { rows: Alignment[] }) {
  const against = rows.filter((a) => a.alignment === 'against').length;
  const traded = rows.filter((a) => a.alignment !== 'no_trade').length;
  const titleId = useId();
  return (
    <section className="plan-forecast" data-testid="plan-vs-forecast" aria-labelledby={titleId}>
      <div className="block-head">
        <h3 className="sub-title" id={titleId}>
          Plan vs forecast
        </h3>
        <span className="muted small" data-testid="alignment-summary">
          {traded === 0
            ? 'no asset trades'
            : `${against} of ${traded} traded ${traded === 1 ? 'asset goes' : 'assets go'} against the forecast`}
          {' · '}with: buys a positive or sells a negative forecast; against: the opposite
        </span>
      </div>
      <div tabIndex={0} className="table-wrap">
        <table className="grid dense" data-testid="alignment-table" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th>Asset</th>
              <th className="n">Forecast</th>
              <th>Action</th>
              <th>Alignment</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr
                key={a.asset}
                data-testid="alignment-row"
                data-asset={a.asset}
                data-alignment={a.alignment}
                className={a.alignment === 'no_trade' ? 'row-quiet' : ''}
              >
                <td className="strong">{a.asset}</td>
                <td className={`n ${signClass(a.forecast_return)}`}>{spct(a.forecast_return)}</td>
                <td>
                  <ActionBadge action={a.trade_action} />
                </td>
                <td>
                  <AlignmentBadge alignment={a.alignment} />
                </td>
                <td className="reason">{a.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
