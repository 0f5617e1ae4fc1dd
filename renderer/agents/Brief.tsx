/**
 * The copilot brief of one run (POST /api/ai-copilot/insights): the narrative, the ranked
 * actions with their reasons, the risk flags (checks breached or near their limit) and the
 * execution playbook by liquidity stage. Everything is rendered as React text: asset names and
 * the narrative come from user input and are never parsed as HTML.
 */
import { useId } from 'react';
import { checkResult, checkValue, decisionWording, stageLabel } from './agents';
import type { Brief } from './flow';
import { money, num, units } from '../shared/format';
import { ActionBadge } from '../shared/ui';

const ACTION_WORD = { BUY: 'Buy', SELL: 'Sell', HOLD: 'Hold' } as const;

export function CopilotBrief({ b, currency }: { b: Brief; currency: string }) {
  const titleId = useId();
  const w = decisionWording(b.decision);
  const playbook = [...b.execution_playbook].sort((x, y) => x.stage_order - y.stage_order);
  return (
    <section
      className="brief"
      aria-labelledby={titleId}
      data-testid="copilot-brief"
      data-decision={b.decision}
      data-run-id={b.run_id}
    >
      <div className="block-head">
        <h4 className="sub-title" id={titleId}>
          Copilot brief
        </h4>
        <span className={`badge tone-${w.tone}`} data-testid="brief-decision" title={w.help}>
          {b.decision.replaceAll('_', ' ')}
        </span>
        <span className="muted small">
          {b.rephrased ? 'narrative rephrased by the model, number-checked' : 'fixed template'} ·
          copilot run <code>{b.run_id}</code>
        </span>
      </div>
      <p className="brief-narrative" data-testid="brief-narrative">
        {b.narrative}
      </p>

      <h5 className="brief-h">Top actions</h5>
      {b.top_actions.length === 0 ? (
        <p className="small muted" data-testid="brief-no-actions">
          No trade to rank.
        </p>
      ) : (
        <div tabIndex={0} className="table-wrap">
          <table className="grid dense" data-testid="brief-actions" aria-label="Top actions">
            <thead>
              <tr>
                <th className="n shrink">#</th>
                <th>Asset</th>
                <th className="shrink">Action</th>
                <th className="n" title="0.4·drift + 0.3·forecast + 0.2·confidence + 0.1·risk">
                  Score
                </th>
                <th className="n">Trade value</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {b.top_actions.map((a) => (
                <tr key={a.rank} data-testid="brief-action" data-asset={a.asset}>
                  <td className="n muted shrink">{a.rank}</td>
                  <td className="strong brief-asset" data-testid="brief-action-asset">
                    {a.asset}
                  </td>
                  <td className="shrink">
                    <ActionBadge action={ACTION_WORD[a.action]} />
                  </td>
                  <td
                    className="n"
                    title={`drift ${a.components.drift} · forecast ${a.components.forecast} · confidence ${a.components.confidence} · risk ${a.components.risk}`}
                  >
                    {num(a.score, 4)}
                  </td>
                  <td className="n">{money(a.trade_value, currency)}</td>
                  <td className="reason">{a.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h5 className="brief-h">Risk flags</h5>
      {b.risk_flags.length === 0 ? (
        <p className="small muted" data-testid="brief-no-flags">
          No supervisor check is breached or near its limit.
        </p>
      ) : (
        <ul className="brief-flags" aria-label="Risk flags">
          {b.risk_flags.map((f) => (
            <li key={f.check} data-testid="brief-flag" data-check={f.check} data-status={f.status}>
              <span className={`badge tone-${checkResult(f.status).tone}`}>{f.status}</span>{' '}
              <strong>{f.label}</strong>{' '}
              <span className="muted">
                {checkValue(f.check, f.value)} against {checkValue(f.check, f.limit)}
              </span>
              : {f.message}
            </li>
          ))}
        </ul>
      )}

      <h5 className="brief-h">Execution playbook</h5>
      {playbook.length === 0 ? (
        <p className="small muted" data-testid="brief-no-playbook">
          No order to execute.
        </p>
      ) : (
        <ol className="brief-playbook" aria-label="Execution playbook">
          {playbook.map((s) => (
            <li key={s.stage} data-testid="brief-stage" data-stage={s.stage}>
              <div>
                <strong>{stageLabel(s.stage)}</strong>{' '}
                <span className="muted small">
                  {units(s.orders)} order{s.orders === 1 ? '' : 's'}
                  {s.blocked ? ` (${units(s.blocked)} blocked)` : ''} ·{' '}
                  {money(s.notional, currency)} · est. cost {money(s.estimated_cost, currency)}
                </span>
              </div>
              <div className="small">{s.instruction}</div>
            </li>
          ))}
        </ol>
      )}
      {b.warnings.length ? (
        <p className="small muted" data-testid="brief-warnings">
          {b.warnings.length} warning{b.warnings.length === 1 ? '' : 's'} on this run (listed in the
          tandem timeline and the Warnings tab of the run).
        </p>
      ) : null}
    </section>
  );
}
