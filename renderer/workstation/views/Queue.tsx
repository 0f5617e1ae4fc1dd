/**
 * The execution queue (Trades tab): the Execution agent's staged child orders in the order they
 * are sent — liquidity stage, security, side, child k of n, units, notional, cost — and the
 * pre-trade controls of each; a blocked order names the controls that stopped it.
 */
import { Fragment, useId, useState } from 'react';
import { stageLabel } from '../../agents/agents';
import { DASH, money, num, pct, units } from '../../shared/format';
import type { ControlResult, QueueOrder, RebalanceResponse } from '../../shared/types';
import { Empty } from '../../shared/ui';

/** A control's value or limit in its own unit. */
function controlFigure(c: ControlResult, x: number | null): string {
  if (x === null) return DASH;
  if (c.control === 'max_order_nav_fraction' || c.control === 'price_collar') return pct(x);
  if (c.control === 'duplicate_order') return units(x);
  return num(x, 2);
}

export function ExecutionQueue({ r }: { r: RebalanceResponse }) {
  const q = r.execution;
  const titleId = useId();
  const [open, setOpen] = useState<number | null>(null);
  if (!q) return null;
  const ccy = r.currency;
  return (
    <section
      className="block queue"
      aria-labelledby={titleId}
      data-testid="execution-queue"
      data-blocked={q.blocked_orders}
    >
      <div className="block-head">
        <h3 className="sub-title" id={titleId}>
          Execution queue <span className="count">{q.child_orders}</span>
        </h3>
        <span className="muted small" data-testid="queue-summary">
          {q.parent_orders} parent order{q.parent_orders === 1 ? '' : 's'} → {q.child_orders} child
          order{q.child_orders === 1 ? '' : 's'} (sliced above {money(q.max_child_notional, ccy, 0)}
          ) · est. cost {money(q.estimated_cost, ccy)} ·{' '}
          <span className={q.blocked_orders ? 'flagged' : ''}>{q.blocked_orders} blocked</span>
        </span>
      </div>
      {q.orders.length === 0 ? (
        <Empty testId="queue-empty">Nothing to send: no order in the queue.</Empty>
      ) : (
        <div tabIndex={0} className="table-wrap">
          <table className="grid dense" data-testid="queue-table" aria-labelledby={titleId}>
            <thead>
              <tr>
                <th className="n">#</th>
                <th>Stage</th>
                <th>Security</th>
                <th>Side</th>
                <th className="c">Child</th>
                <th className="n">Units</th>
                <th className="n">Notional</th>
                <th className="n">Cost</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {q.orders.map((o) => (
                <QueueRow
                  key={o.sequence}
                  o={o}
                  ccy={ccy}
                  open={open === o.sequence}
                  onToggle={() => setOpen(open === o.sequence ? null : o.sequence)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function QueueRow({
  o,
  ccy,
  open,
  onToggle,
}: {
  o: QueueOrder;
  ccy: string;
  open: boolean;
  onToggle: () => void;
}) {
  const blocked = o.status === 'blocked';
  return (
    <Fragment>
      <tr
        data-testid="queue-row"
        data-sequence={o.sequence}
        data-security={o.security}
        data-status={o.status}
        className={`${blocked ? 'row-bad' : ''} ${open ? 'row-open' : ''}`}
      >
        <td className="n muted">{o.sequence}</td>
        <td className="nowrap" title={o.stage}>
          <span className="muted small">{o.stage_order}.</span> {stageLabel(o.stage)}
        </td>
        <td>
          <div className="strong">{o.security}</div>
          {o.security !== o.asset ? <div className="small muted">{o.asset}</div> : null}
        </td>
        <td>
          <span className={`badge ${o.action === 'BUY' ? 'action-buy' : 'action-sell'}`}>
            {o.action}
          </span>
        </td>
        <td className="c nowrap" data-testid="queue-child">
          {o.child}/{o.children}
        </td>
        <td className="n">{units(o.units)}</td>
        <td className="n">{money(o.notional, ccy)}</td>
        <td className="n">{money(o.estimated_cost, ccy)}</td>
        <td>
          <button
            type="button"
            className="disclosure"
            aria-expanded={open}
            aria-label={`${o.status}: ${open ? 'hide' : 'show'} the pre-trade controls of order ${o.sequence} (${o.security})`}
            data-testid="queue-toggle"
            onClick={onToggle}
          >
            <span
              className={`badge ${blocked ? 'q-blocked' : 'q-ready'}`}
              data-testid="queue-status"
            >
              {o.status}
            </span>
          </button>
          {o.blocked_by.map((c) => (
            <code key={c} className="blocked-by" data-testid="queue-blocked-by">
              {c}
            </code>
          ))}
        </td>
      </tr>
      {open ? (
        <tr className="step-detail-row" data-testid="queue-controls" data-sequence={o.sequence}>
          <td />
          <td colSpan={8}>
            <table
              className="grid compact"
              aria-label={`Pre-trade controls of order ${o.sequence}`}
              data-testid="controls-table"
            >
              <thead>
                <tr>
                  <th>Control</th>
                  <th>Result</th>
                  <th className="n">Value</th>
                  <th className="n">Limit</th>
                  <th>Message</th>
                </tr>
              </thead>
              <tbody>
                {o.controls.map((c) => (
                  <tr
                    key={c.control}
                    data-testid="control-row"
                    data-control={c.control}
                    data-passed={String(c.passed)}
                    className={c.passed ? '' : 'row-bad'}
                  >
                    <td className="mono">{c.control}</td>
                    <td>
                      <span className={`badge ${c.passed ? 'tone-ok' : 'tone-bad'}`}>
                        {c.passed ? 'passed' : 'failed'}
                      </span>
                    </td>
                    <td className="n">{controlFigure(c, c.value)}</td>
                    <td className="n">{controlFigure(c, c.limit)}</td>
                    <td className="reason">{c.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}
