import { money, num, pct, units } from '../format';
import type { RebalanceResponse } from '../types';
import { ActionBadge, Empty } from '../ui';

/** The trade list and its summary: what is sent, what it costs, how much turnover it uses. */
export function TradesView({ r }: { r: RebalanceResponse }) {
  const s = r.trade_summary;
  const ccy = r.currency;
  const used = r.turnover_limit > 0 ? Math.min(1, r.turnover_used / r.turnover_limit) : 0;
  const active = r.trades.filter((t) => t.action !== 'Hold');
  return (
    <div data-testid="view-trades">
      <div className="summary-grid" data-testid="trade-summary">
        <Stat label="Buys" value={money(s.total_buys, ccy)} testId="sum-buys" />
        <Stat label="Sells" value={money(s.total_sells, ccy)} testId="sum-sells" />
        <Stat label="Costs" value={money(s.total_costs, ccy)} testId="sum-costs" />
        <Stat label="Residual cash" value={money(s.residual_cash, ccy)} testId="sum-cash" />
        <div className="stat" data-testid="sum-turnover">
          <div className="stat-label">Turnover used / limit</div>
          <div className="stat-value">
            {pct(r.turnover_used)} <span className="muted">/ {pct(r.turnover_limit)}</span>
          </div>
          <div className="meter" title={`${pct(used, 0)} of the one-way turnover limit`}>
            <div className="meter-fill" style={{ width: `${(used * 100).toFixed(1)}%` }} />
          </div>
        </div>
        <Stat
          label="Turnover scale"
          value={num(s.turnover_scale, 4)}
          note={
            s.turnover_limit_binding
              ? `cap binding: unconstrained turnover ${pct(s.turnover_before_cap)}`
              : 'cap not binding'
          }
          testId="sum-scale"
        />
        <Stat
          label="Rounding residual"
          value={money(s.rounding_residual, ccy)}
          note="left untraded by lots and minimum trade values"
        />
        <Stat label="Trades" value={String(s.trade_count)} testId="sum-count" />
      </div>
      {active.length === 0 ? (
        <Empty testId="no-trades">No trades: every asset is inside its band.</Empty>
      ) : null}
      <table className="grid" data-testid="trades-table">
        <thead>
          <tr>
            <th>Asset</th>
            <th>Class</th>
            <th>Action</th>
            <th className="n">Value</th>
            <th className="n">Units</th>
            <th className="n">Price</th>
            <th className="n">Lot</th>
            <th className="n">Cost</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {r.trades.map((t) => (
            <tr
              key={t.asset}
              data-testid="trade-row"
              data-asset={t.asset}
              data-action={t.action}
              className={t.action === 'Hold' ? 'row-quiet' : ''}
            >
              <td className="strong">{t.asset}</td>
              <td>{t.asset_class}</td>
              <td>
                <ActionBadge action={t.action} />
              </td>
              <td className="n">{money(t.trade_value, ccy)}</td>
              <td className="n">{units(t.trade_units)}</td>
              <td className="n">{num(t.price, t.price < 10 ? 4 : 2)}</td>
              <td className="n">{units(t.lot_size)}</td>
              <td className="n">{money(t.estimated_cost, ccy)}</td>
              <td className="reason">{t.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Stat({
  label,
  value,
  note,
  testId,
  tone,
}: {
  label: string;
  value: string;
  note?: string;
  testId?: string;
  tone?: string;
}) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className={`stat-value ${tone ?? ''}`}>{value}</div>
      {note ? <div className="stat-note">{note}</div> : null}
    </div>
  );
}
