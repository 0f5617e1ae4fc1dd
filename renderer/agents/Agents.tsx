/**
 * The Agents tab: the six agents in tandem as they ran for this result — the step records in
 * order (agent, phase, duration, summary; expandable to evidence, warnings and the chained
 * hashes), the Supervisor's checks against the policy, and the Market Data agent's data-health
 * findings.
 */
import { Fragment, useId, useState } from 'react';
import { checkResult, checkValue, evidenceValue, onBreachLabel, severityTone } from './agents';
import { DASH, num, shortHash } from '../shared/format';
import type { AgentStep, RebalanceResponse, SupervisorCheck } from '../shared/types';
import { Empty } from '../shared/ui';

export function AgentsView({ r }: { r: RebalanceResponse }) {
  const steps = r.agent_steps ?? [];
  return (
    <div data-testid="view-agents">
      <Timeline steps={steps} />
      {r.supervisor ? <SupervisorChecks checks={r.supervisor.checks} /> : null}
      {r.data_health ? <DataHealthView r={r} /> : null}
    </div>
  );
}

/** Milliseconds with one decimal under 100, whole above: 0.53 → "0.5", 123.4 → "123". */
function ms(x: number): string {
  return x < 100 ? num(x, 1) : num(x, 0);
}

function Timeline({ steps }: { steps: AgentStep[] }) {
  const [open, setOpen] = useState<Set<number>>(() => new Set());
  const titleId = useId();
  const total = steps.reduce((t, s) => t + s.duration_ms, 0);
  const longest = steps.reduce((m, s) => Math.max(m, s.duration_ms), 0);
  const agents = new Set(steps.map((s) => s.agent)).size;
  const toggle = (n: number) =>
    setOpen((o) => {
      const next = new Set(o);
      if (next.has(n)) next.delete(n);
      else next.add(n);
      return next;
    });
  const allOpen = steps.length > 0 && steps.every((s) => open.has(s.step));
  return (
    <section className="block agents-timeline" aria-labelledby={titleId}>
      <div className="block-head">
        <h3 className="sub-title" id={titleId}>
          Tandem timeline <span className="count">{steps.length}</span>
        </h3>
        <span className="muted small" data-testid="agents-total">
          {agents} agent{agents === 1 ? '' : 's'} · {steps.length} step
          {steps.length === 1 ? '' : 's'} · Σ {ms(total)} ms
        </span>
        <span className="spacer" />
        {steps.length ? (
          <button
            type="button"
            className="btn"
            data-testid="agents-toggle-all"
            title={allOpen ? 'Collapse every step' : 'Expand every step'}
            onClick={() => setOpen(allOpen ? new Set() : new Set(steps.map((s) => s.step)))}
          >
            {allOpen ? 'Collapse all' : 'Expand all'}
          </button>
        ) : null}
      </div>
      {steps.length === 0 ? (
        <Empty testId="agents-none">
          This result has no step records (it was saved before the agents existed).
        </Empty>
      ) : (
        <div tabIndex={0} className="table-wrap">
          <table
            className="grid dense agents-table"
            data-testid="agents-table"
            aria-labelledby={titleId}
          >
            <thead>
              <tr>
                <th className="n shrink">#</th>
                <th className="shrink">Agent</th>
                <th className="shrink">Phase</th>
                <th className="dur-col">Duration (ms)</th>
                <th>Summary</th>
                <th className="c shrink" title="Warnings raised by this step">
                  Warn.
                </th>
              </tr>
            </thead>
            <tbody>
              {steps.map((s) => {
                const isOpen = open.has(s.step);
                const share = total > 0 ? s.duration_ms / total : 0;
                return (
                  <Fragment key={s.step}>
                    <tr
                      data-testid="agent-step"
                      data-step={s.step}
                      data-agent={s.agent}
                      data-phase={s.phase}
                      className={isOpen ? 'row-open' : ''}
                    >
                      <td className="n muted shrink">{s.step}</td>
                      <td className="shrink">
                        <button
                          type="button"
                          className="disclosure"
                          aria-expanded={isOpen}
                          aria-label={`${isOpen ? 'Hide' : 'Show'} the evidence of step ${s.step}, ${s.agent} (${s.phase})`}
                          data-testid="agent-step-toggle"
                          onClick={() => toggle(s.step)}
                        >
                          <span className="caret" aria-hidden>
                            {isOpen ? '▾' : '▸'}
                          </span>
                          <span className="strong" title={`${s.agent} v${s.version}`}>
                            {s.agent}
                          </span>
                        </button>
                      </td>
                      <td className="shrink phase">{s.phase}</td>
                      <td className="dur-col">
                        <div
                          className="dur"
                          title={`${num(s.duration_ms, 3)} ms: ${(share * 100).toFixed(1)}% of the steps' total`}
                        >
                          <span className="dur-num" data-testid="agent-step-ms">
                            {ms(s.duration_ms)}
                          </span>
                          <span className="dur-track" aria-hidden>
                            <span
                              className="dur-bar"
                              data-testid="agent-step-bar"
                              style={{
                                width: `${longest > 0 ? Math.max(1, (s.duration_ms / longest) * 100).toFixed(1) : 0}%`,
                              }}
                            />
                          </span>
                        </div>
                      </td>
                      <td className="reason" data-testid="agent-step-summary">
                        {s.summary}
                      </td>
                      <td className="c shrink">
                        {s.warnings.length ? (
                          <span className="count warn">{s.warnings.length}</span>
                        ) : (
                          <span className="muted">{DASH}</span>
                        )}
                      </td>
                    </tr>
                    {isOpen ? (
                      <tr
                        className="step-detail-row"
                        data-testid="agent-step-detail"
                        data-step={s.step}
                      >
                        <td />
                        <td colSpan={5}>
                          <StepDetail s={s} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
            <tfoot>
              <tr data-testid="agents-total-row">
                <td />
                <td colSpan={2}>Total ({steps.length} steps)</td>
                <td className="dur-col">
                  <span className="dur-num">{ms(total)}</span>
                </td>
                <td className="muted small">
                  Sum of the step durations; each bar is relative to the longest step.
                </td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}

function StepDetail({ s }: { s: AgentStep }) {
  return (
    <div className="step-detail">
      <div className="step-evidence">
        <table
          className="grid compact"
          data-testid="agent-evidence"
          aria-label={`Evidence of step ${s.step}, ${s.agent}`}
        >
          <thead>
            <tr>
              <th>Evidence</th>
              <th className="n">Value</th>
              <th>Unit</th>
            </tr>
          </thead>
          <tbody>
            {s.evidence.map((e, i) => (
              <tr key={`${e.name}-${i}`} data-testid="evidence-row" data-name={e.name}>
                <td className="mono">{e.name}</td>
                <td className="n" title={e.value === null ? undefined : String(e.value)}>
                  {evidenceValue(e.value)}
                </td>
                <td className="muted">{e.unit ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {s.evidence.length === 0 ? <div className="muted small">No evidence recorded.</div> : null}
      </div>
      <div className="step-side">
        <dl className="kv step-hashes">
          <dt>Input hash</dt>
          <dd>
            <code title={s.input_hash} data-testid="agent-input-hash">
              {shortHash(s.input_hash, 12)}…
            </code>
          </dd>
          <dt>Output hash</dt>
          <dd>
            <code title={s.output_hash} data-testid="agent-output-hash">
              {shortHash(s.output_hash, 12)}…
            </code>
          </dd>
          <dt>Agent version</dt>
          <dd className="mono">{s.version}</dd>
          <dt>Started</dt>
          <dd className="mono">{s.started_at}</dd>
        </dl>
        {s.warnings.length ? (
          <ul className="notes-list" data-testid="agent-warnings" aria-label="Warnings">
            {s.warnings.map((w, i) => (
              <li key={i} data-testid="agent-warning" data-code={w.code}>
                <code>{w.code}</code>
                {w.path ? <span className="path">{w.path} </span> : null}
                {w.message}
              </li>
            ))}
          </ul>
        ) : (
          <div className="muted small">No warnings.</div>
        )}
      </div>
    </div>
  );
}

export function ResultBadge({ result }: { result: string }) {
  const w = checkResult(result);
  return (
    <span
      className={`badge tone-${w.tone}`}
      data-testid="check-result"
      data-result={result}
      title={w.help}
    >
      {w.label}
    </span>
  );
}

/** Every policy check of a run: value, limit, result, what a breach does, and why. */
export function SupervisorChecks({ checks }: { checks: SupervisorCheck[] }) {
  const titleId = useId();
  const breached = checks.filter((c) => c.result === 'breach').length;
  const near = checks.filter((c) => c.result === 'near' || c.result === 'warn').length;
  return (
    <section className="block agents-block" aria-labelledby={titleId}>
      <div className="block-head">
        <h3 className="sub-title" id={titleId}>
          Supervisor checks <span className="count">{checks.length}</span>
        </h3>
        <span className="muted small">
          {breached} breached · {near} near a limit or warned ·{' '}
          {checks.filter((c) => c.result === 'pass').length} passed · weights and risk in %, others
          are counts
        </span>
      </div>
      <div tabIndex={0} className="table-wrap">
        <table className="grid dense" data-testid="checks-table" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th>Check</th>
              <th className="n">Value</th>
              <th className="n">Limit</th>
              <th>Result</th>
              <th>On breach</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {checks.map((c) => (
              <tr
                key={c.check}
                data-testid="check-row"
                data-check={c.check}
                data-result={c.result}
                className={
                  c.result === 'breach'
                    ? 'row-bad'
                    : c.result === 'not_applicable'
                      ? 'row-quiet'
                      : ''
                }
              >
                <td title={c.check} className="check-label">
                  <span className="strong">{c.label}</span>
                </td>
                <td className="n" data-testid="check-value">
                  {checkValue(c.check, c.value)}
                </td>
                <td className="n" data-testid="check-limit">
                  {checkValue(c.check, c.limit)}
                </td>
                <td>
                  <ResultBadge result={c.result} />
                </td>
                <td className={c.on_breach === 'reject' || c.on_breach === 'block' ? 'neg' : ''}>
                  {onBreachLabel(c.on_breach)}
                </td>
                <td className="reason detail-cell">{c.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function DataHealthView({ r }: { r: RebalanceResponse }) {
  const titleId = useId();
  const dh = r.data_health;
  return (
    <section className="block agents-block" aria-labelledby={titleId} data-testid="data-health">
      <div className="block-head">
        <h3 className="sub-title" id={titleId}>
          Data health <span className="count">{dh.findings.length}</span>
        </h3>
        <span className="muted small">
          {dh.checks_run.length} checks run · as of{' '}
          {dh.as_of ?? 'not given (staleness not checked)'}
        </span>
      </div>
      {dh.findings.length === 0 ? (
        <Empty testId="data-health-clean">No finding: every data-health check passed.</Empty>
      ) : (
        <div tabIndex={0} className="table-wrap">
          <table className="grid dense" data-testid="findings-table" aria-labelledby={titleId}>
            <thead>
              <tr>
                <th>Severity</th>
                <th>Check</th>
                <th>Path</th>
                <th className="n">Value</th>
                <th className="n">Limit</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {dh.findings.map((f, i) => (
                <tr
                  key={i}
                  data-testid="finding-row"
                  data-check={f.check}
                  data-severity={f.severity}
                >
                  <td>
                    <span className={`badge tone-${severityTone(f.severity)}`}>{f.severity}</span>
                  </td>
                  <td className="mono">{f.check}</td>
                  <td className="path">{f.path}</td>
                  <td className="n">{f.value === null ? DASH : evidenceValue(f.value)}</td>
                  <td className="n">{f.limit === null ? DASH : evidenceValue(f.limit)}</td>
                  <td className="reason">{f.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
