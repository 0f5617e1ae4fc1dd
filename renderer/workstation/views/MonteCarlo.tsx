import { FanChart } from '../FanChart';
import { money, num, pct } from '../../shared/format';
import type { RebalanceResponse } from '../../shared/types';
import { Empty } from '../../shared/ui';
import { Kpi } from '../../shared/Kpi';
import { TerminalHistogram } from './TerminalHistogram';

/** Simulated wealth of the proposed portfolio: fan chart, terminal histogram, tail figures. */
export function MonteCarloView({ r }: { r: RebalanceResponse }) {
  const mc = r.monte_carlo;
  if (!mc) {
    const why = r.warnings.filter((w) => /HISTORY|MONTE|MC/.test(w.code));
    return (
      <div data-testid="view-montecarlo">
        <Empty testId="mc-none">
          No simulation: Monte Carlo resamples or fits daily returns, and this request does not
          carry a history for every asset.
          {why.map((w, i) => (
            <div key={i} className="small" data-testid="mc-note">
              <code>{w.code}</code> {w.message}
            </div>
          ))}
        </Empty>
      </div>
    );
  }
  const ccy = r.currency;
  return (
    <div data-testid="view-montecarlo">
      <p className="caption">
        Proposed portfolio · {mc.method === 'gaussian' ? 'correlated normal' : 'block bootstrap'}{' '}
        daily returns · {mc.rebalancing === 'constant_mix' ? 'constant mix' : 'buy and hold'} ·{' '}
        {mc.paths.toLocaleString('en-US')} paths · {mc.horizon_days} trading days · seed {mc.seed}
      </p>
      <div className="mc-layout">
        {/* min-width 0: the charts shrink with the window instead of widening the grid. */}
        <div style={{ minWidth: 0 }}>
          <FanChart mc={mc} />
          <TerminalHistogram mc={mc} />
        </div>
        <div className="summary-grid narrow">
          <Kpi
            variant="box"
            label="Probability of loss"
            value={pct(mc.probability_of_loss, 1)}
            note={`terminal value below today’s after ${mc.horizon_days} days`}
            testId="mc-ploss"
          />
          <Kpi
            variant="box"
            label="Expected terminal value"
            value={money(mc.expected_terminal_portfolio_value, ccy, 0)}
            note={`${num(mc.expected_terminal_value, 4)} per 1 invested`}
            testId="mc-expected"
          />
          <Kpi
            variant="box"
            label="Worst 5% terminal value"
            value={money(mc.worst_5pct_terminal_portfolio_value, ccy, 0)}
            note={`${num(mc.worst_5pct_terminal_value, 4)} per 1 invested (5th percentile)`}
            testId="mc-worst5"
          />
          <Kpi
            variant="box"
            label="Mean of worst 5%"
            value={num(mc.expected_shortfall_terminal_value, 4)}
            note="per 1 invested (expected shortfall of terminal wealth)"
            testId="mc-es"
          />
        </div>
      </div>
    </div>
  );
}
