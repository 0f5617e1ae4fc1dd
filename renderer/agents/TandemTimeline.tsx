/**
 * The tandem timeline of one run (POST /api/multi-agent/tandem-demo): one card per agent in flow
 * order with its objective, what it produced, its duration (its steps summed), its key figures
 * (the step evidence) and its warnings; above them the orchestration: pattern, policy version,
 * steps recorded and the pipeline's wall time.
 */
import { useId, useState } from 'react';
import { evidenceValue } from './agents';
import { figureName, shortFigure, type Tandem } from './flow';
import { num } from '../shared/format';

/** Key figures shown before "all figures" is opened. */
const FIGURES_SHOWN = 5;

/** Milliseconds with one decimal under 100, whole above: 0.53 → "0.5", 123.4 → "123". */
function ms(x: number): string {
  return x < 100 ? num(x, 1) : num(x, 0);
}

export function TandemTimeline({ t }: { t: Tandem }) {
  const titleId = useId();
  const o = t.orchestration;
  const longest = t.timeline.reduce((m, e) => Math.max(m, e.duration_ms), 0);
  return (
    <section
      className="tandem"
      aria-labelledby={titleId}
      data-testid="tandem-timeline"
      data-run-id={t.run_id}
    >
      <div className="block-head">
        <h4 className="sub-title" id={titleId}>
          Tandem timeline <span className="count">{t.timeline.length}</span>
        </h4>
        <span className="muted small" data-testid="tandem-orchestration">
          policy v{o.policy_version} · {o.steps_recorded} steps recorded · Σ steps{' '}
          {ms(o.steps_duration_ms)} ms of {ms(o.total_duration_ms)} ms
        </span>
      </div>
      <p className="small muted tandem-pattern">{o.pattern}</p>
      <ol className="tl-cards">
        {t.timeline.map((e) => (
          <StepCard key={e.step} e={e} longest={longest} />
        ))}
      </ol>
    </section>
  );
}

function StepCard({ e, longest }: { e: Tandem['timeline'][number]; longest: number }) {
  const [all, setAll] = useState(false);
  const figures = all ? e.evidence : e.evidence.slice(0, FIGURES_SHOWN);
  const more = e.evidence.length - FIGURES_SHOWN;
  return (
    <li
      className="tl-card"
      data-testid="tandem-step"
      data-step={e.step}
      data-agent={e.agent}
      data-warnings={e.warnings.length}
    >
      <div className="tl-top">
        <span className="tl-num" aria-hidden>
          {e.step}
        </span>
        <strong className="tl-agent">{e.agent}</strong>
        <span className="spacer" />
        <span className="tl-ms" data-testid="tandem-step-ms" title={`${num(e.duration_ms, 3)} ms`}>
          {ms(e.duration_ms)} ms
        </span>
      </div>
      <span className="tl-track" aria-hidden>
        <span
          className="tl-bar"
          style={{
            width: `${longest > 0 ? Math.max(2, (e.duration_ms / longest) * 100).toFixed(1) : 0}%`,
          }}
        />
      </span>
      <div className="tl-phases small muted">{e.phases.join(' → ')}</div>
      <p className="tl-objective" data-testid="tandem-step-objective">
        <span className="tl-label">Objective</span> {e.objective}
      </p>
      <p className="tl-output" data-testid="tandem-step-output">
        {e.output}
      </p>
      {e.evidence.length ? (
        <dl className="tl-figures" aria-label={`Key figures of the ${e.agent}`}>
          {figures.map((f, i) => (
            <div key={`${f.name}-${i}`} className="tl-figure" data-testid="tandem-figure">
              <dt>{figureName(f.name)}</dt>
              <dd
                title={`${f.value === null ? '' : String(f.value)}${f.unit ? ` (${f.unit})` : ''}`}
              >
                {shortFigure(evidenceValue(f.value))}
                {f.unit && f.unit !== 'currency' ? (
                  <span className="tl-unit"> {f.unit}</span>
                ) : null}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {more > 0 ? (
        <button
          type="button"
          className="btn tl-more"
          aria-expanded={all}
          data-testid="tandem-figures-toggle"
          onClick={() => setAll((x) => !x)}
        >
          {all ? 'Fewer figures' : `All ${e.evidence.length} figures`}
        </button>
      ) : null}
      {e.warnings.length ? (
        <details className="tl-warnings" data-testid="tandem-step-warnings">
          <summary>
            <span className="count warn">{e.warnings.length}</span> warning
            {e.warnings.length === 1 ? '' : 's'}
          </summary>
          <ul>
            {e.warnings.map((w, i) => (
              <li key={i} data-testid="tandem-warning" data-code={w.code}>
                <code>{w.code}</code> {w.message}
              </li>
            ))}
          </ul>
        </details>
      ) : (
        <div className="small muted">No warnings.</div>
      )}
    </li>
  );
}
