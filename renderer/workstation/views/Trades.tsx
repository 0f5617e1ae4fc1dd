import { useId, useState } from 'react';
import { money, num, pct, units } from '../../shared/format';
import type { Order, RebalanceResponse, Trade } from '../../shared/types';
import { ActionBadge, Empty, StatusBadge } from '../../shared/ui';
import { ExecutionQueue } from './Queue';
import { Kpi } from '../../shared/Kpi';

/**
 * The trade list and its summary: what is sent, what it costs, how much turnover it uses. Asset
 * rows sum their security orders; the Orders table below is what goes to a broker.
 */
export function TradesView({ r }: { r: RebalanceResponse }) {
  const s = r.trade_summary;
  const ccy = r.currency;
  const used = r.turnover_limit > 0 ? Math.min(1, r.turnover_used / r.turnover_limit) : 0;
  const active = r.trades.filter((t) => t.action !== 'Hold');
  // Runs saved before these fields existed lack them: their figures show as "—".
  const flow = s.cash_flow ?? 0;
  const breaches = s.band_breaches_remaining;
  const titleId = useId();
  return (
    <div data-testid="view-trades">
      <div className="summary-grid five" data-testid="trade-summary">
        <Kpi variant="box" label="Buys" value={money(s.total_buys, ccy)} testId="sum-buys" />
        <Kpi variant="box" label="Sells" value={money(s.total_sells, ccy)} testId="sum-sells" />
        <Kpi variant="box" label="Costs" value={money(s.total_costs, ccy)} testId="sum-costs" />
        <Kpi
          variant="box"
          label="Cash before"
          value={money(s.cash_before, ccy)}
          note={
            flow > 0
              ? `incl. contribution ${money(flow, ccy)}`
              : flow < 0
                ? `incl. withdrawal ${money(-flow, ccy)}`
                : 'no cash flow'
          }
          testId="sum-cash-before"
          tone={typeof s.cash_before === 'number' && s.cash_before < 0 ? 'neg' : ''}
        />
        <Kpi
          variant="box"
          label="Cash after"
          value={money(s.residual_cash, ccy)}
          note={s.cash_target ? `buffer aimed at ${money(s.cash_target, ccy)}` : 'no cash buffer'}
          testId="sum-cash"
        />
        <div className="stat" data-testid="sum-turnover">
          <div className="stat-label">Turnover used / limit</div>
          <div className="stat-value">
            {pct(r.turnover_used)} <span className="muted">/ {pct(r.turnover_limit)}</span>
          </div>
          <div className="meter" title={`${pct(used, 0)} of the one-way turnover limit`}>
            <div className="meter-fill" style={{ width: `${(used * 100).toFixed(1)}%` }} />
          </div>
        </div>
        <Kpi
          variant="box"
          label="Turnover scale"
          value={num(s.turnover_scale, 4)}
          note={
            s.turnover_limit_binding
              ? `cap binding: unconstrained ${pct(s.turnover_before_cap)}`
              : 'cap not binding'
          }
          testId="sum-scale"
        />
        <Kpi
          variant="box"
          label="Rounding residual"
          value={money(s.rounding_residual, ccy)}
          note="left untraded by lots and minimum trade values"
        />
        <Kpi
          variant="box"
          label="Trades"
          value={String(s.trade_count)}
          note={`across ${active.length} ${active.length === 1 ? 'asset' : 'assets'}`}
          testId="sum-count"
        />
        <Kpi
          variant="box"
          label="Band breaches after trades"
          value={typeof breaches === 'number' ? String(breaches) : '—'}
          note={
            breaches
              ? 'still outside their band: see Portfolio & drift'
              : typeof breaches === 'number'
                ? 'every asset inside its band'
                : undefined
          }
          testId="sum-breaches"
          tone={breaches ? 'warn' : ''}
        />
      </div>
      {active.length === 0 ? (
        <Empty testId="no-trades">No trades: every asset is inside its band.</Empty>
      ) : null}
      <h3 className="sub-title" id={titleId}>
        Per asset
      </h3>
      <div tabIndex={0} className="table-wrap">
        <table className="grid dense" data-testid="trades-table" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th>Asset</th>
              <th>Class</th>
              <th>Action</th>
              <th>Status</th>
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
                data-status={t.status}
                className={t.action === 'Hold' ? 'row-quiet' : ''}
              >
                <td className="strong">{t.asset}</td>
                <td>{t.asset_class}</td>
                <td>
                  <ActionBadge action={t.action} />
                </td>
                <td>{t.status ? <StatusBadge status={t.status} /> : null}</td>
                <td className="n">{money(t.trade_value, ccy)}</td>
                <UnitsCells t={t} />
                <td className="n">{money(t.estimated_cost, ccy)}</td>
                <td className="reason">{t.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.orders ? <OrdersTable orders={r.orders} ccy={ccy} /> : null}
      <ExecutionQueue r={r} />
    </div>
  );
}

/** Units, price and lot of an asset traded as one security; "per security" when it has holdings. */
function UnitsCells({ t }: { t: Trade }) {
  if (t.trade_units === null || t.price === null) {
    const n = t.orders ?? 0;
    return (
      <td
        className="c muted per-security"
        colSpan={3}
        data-testid="per-security"
        title="Ordered through its holdings, each at its own price and lot: see Orders below"
      >
        per security · {n} {n === 1 ? 'order' : 'orders'}
      </td>
    );
  }
  return (
    <>
      <td className="n">{units(t.trade_units)}</td>
      <td className="n">{price(t.price)}</td>
      <td className="n">{units(t.lot_size)}</td>
    </>
  );
}

const price = (p: number) => num(p, p < 10 ? 4 : 2);

/** Orders that are sent to a broker (Buy or Sell); the rest are Hold. */
function sentOrders(orders: Order[]): Order[] {
  return orders.filter((o) => o.action !== 'Hold');
}

/** One row per security: the orders to send, with Hold rows (not sent) behind a toggle. */
function OrdersTable({ orders, ccy }: { orders: Order[]; ccy: string }) {
  const [showHold, setShowHold] = useState(false);
  const titleId = useId();
  const sent = sentOrders(orders);
  const held = orders.length - sent.length;
  const shown = showHold ? orders : sent;
  const buys = sent.filter((o) => o.action === 'Buy').length;
  return (
    <section className="orders" data-testid="orders" aria-labelledby={titleId}>
      <div className="block-head">
        <h3 className="sub-title" id={titleId}>
          Orders <span className="count">{sent.length}</span>
        </h3>
        <span className="muted small">
          one per security (a holding, or an asset traded as itself): what goes to the broker ·{' '}
          {buys} buy, {sent.length - buys} sell
        </span>
        <span className="spacer" />
        {held > 0 ? (
          <label className="check small">
            <input
              type="checkbox"
              checked={showHold}
              onChange={(e) => setShowHold(e.target.checked)}
              data-testid="orders-show-hold"
            />
            show {held} not sent (Hold)
          </label>
        ) : null}
      </div>
      {shown.length === 0 ? (
        <Empty testId="no-orders">
          No orders to send
          {held > 0 ? `: every security holds (${held} considered, see the toggle above)` : ''}.
        </Empty>
      ) : (
        <div tabIndex={0} className="table-wrap">
          <table className="grid dense" data-testid="orders-table" aria-labelledby={titleId}>
            <thead>
              <tr>
                <th title="The security ordered, with the asset it belongs to">Security</th>
                <th>Action</th>
                <th className="n">Units</th>
                <th className="n">Price</th>
                <th className="n">Lot</th>
                <th className="n">Value</th>
                <th className="n">Cost</th>
                <th>Status</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((o) => (
                <tr
                  key={`${o.asset}\u0000${o.security}`}
                  data-testid="order-row"
                  data-security={o.security}
                  data-asset={o.asset}
                  data-action={o.action}
                  data-status={o.status}
                  className={o.action === 'Hold' ? 'row-quiet' : ''}
                >
                  <td title={o.security === o.asset ? 'Traded as the asset itself' : undefined}>
                    <div className="strong">{o.security}</div>
                    {o.security !== o.asset ? <div className="small muted">{o.asset}</div> : null}
                  </td>
                  <td>
                    <ActionBadge action={o.action} />
                  </td>
                  <td className="n">{units(o.trade_units)}</td>
                  <td className="n">{price(o.price)}</td>
                  <td className="n">{units(o.lot_size)}</td>
                  <td className="n">{money(o.trade_value, ccy)}</td>
                  <td className="n">{money(o.estimated_cost, ccy)}</td>
                  <td>
                    <StatusBadge status={o.status} />
                  </td>
                  <td className="reason">{o.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
