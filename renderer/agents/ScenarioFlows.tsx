/**
 * Scenario cards that run every agent in one click: the rebalance, then the tandem timeline,
 * then the copilot brief, for the scenario's request (or the request in the editor). Each stage
 * shows its progress and, when done, its result: the exceptions of the rebalance, the
 * Supervisor's decision with every policy check and approve / reject (note required) on the
 * tandem run, the timeline cards, and the brief. A failed stage shows the engine's error in
 * plain words and the stages after it do not run.
 */
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { SupervisorChecks } from './Agents';
import { CopilotBrief } from './Brief';
import { DecisionBanner } from './Decision';
import { decisionWording } from './agents';
import {
  FLOW_STAGES,
  flowState,
  newFlow,
  runFlow,
  STAGE_LABEL,
  type FlowDeps,
  type FlowRun,
  type FlowStage,
  type StageState,
} from './flow';
import { TandemTimeline } from './TandemTimeline';
import { call, callUnchecked } from '../shared/api';
import { ErrorBox } from '../shared/ErrorBox';
import { money, num, pct } from '../shared/format';
import type { RebalanceResponse, Scenario } from '../shared/types';
import { Empty } from '../shared/ui';
import { Exceptions } from '../workstation/Exceptions';

/** What the editor holds: a parsed request, or why there is none. */
export type EditorRequest = () => { ok: true; value: unknown } | { ok: false; message: string };

const EDITOR_KEY = 'editor';

/** The real engine calls (the one typed client). Requests are sent as-is: the engine validates. */
const DEPS: FlowDeps = {
  rebalance: (req) => callUnchecked('rebalance', req),
  tandem: (req) => callUnchecked('tandemDemo', req),
  runOutput: async (runId) => {
    const r = await call('getRun', { run_id: runId });
    return r.ok ? { ok: true, value: r.value.output } : r;
  },
  copilot: (req) => callUnchecked('copilotInsights', req),
  now: () => performance.now(),
};

/**
 * The last flow of this page, kept when the view is left (the view unmounts) so coming back shows
 * it, as the other views keep their state in App.
 */
let lastFlow: { flow: FlowRun; seq: number } | null = null;

export function ScenarioFlows({
  scenarios,
  editorRequest,
}: {
  scenarios: Scenario[] | null;
  editorRequest?: EditorRequest | undefined;
}) {
  const [flow, setFlow] = useState<FlowRun | null>(() => lastFlow?.flow ?? null);
  // Finished flows (tests wait on it, never on time).
  const [seq, setSeq] = useState(() => lastFlow?.seq ?? 0);
  const [editorNote, setEditorNote] = useState<string | null>(null);
  const current = useRef(flow?.id ?? 0);
  const titleId = useId();
  const running = flow !== null && flowState(flow) === 'running';

  useEffect(() => {
    if (flow) lastFlow = { flow, seq };
  }, [flow, seq]);

  const start = useCallback(async (key: string, label: string, request: unknown) => {
    const id = current.current + 1;
    current.current = id;
    // Only the newest flow may write: a late answer of an earlier one is dropped.
    const update = (f: FlowRun) => {
      if (current.current === id) setFlow(f);
    };
    await runFlow(newFlow(id, key, label), request, DEPS, update);
    if (current.current === id) setSeq((n) => n + 1);
  }, []);

  const runEditor = () => {
    if (!editorRequest) return;
    const req = editorRequest();
    if (!req.ok) {
      setEditorNote(`The editor's request cannot be run: ${req.message}.`);
      return;
    }
    setEditorNote(null);
    void start(EDITOR_KEY, 'Request in the editor', req.value);
  };

  return (
    <section
      className="block agents-section"
      aria-labelledby={titleId}
      data-testid="scenario-flows"
    >
      <div className="block-head">
        <h3 className="sub-title" id={titleId}>
          Run all agents
        </h3>
        <span className="muted small">
          One click runs the rebalance, the tandem timeline and the copilot brief on the same
          request; each is saved as a run (see Runs).
        </span>
      </div>
      {scenarios === null ? (
        <div className="muted small">Loading scenarios…</div>
      ) : (
        <div className="sf-cards">
          {scenarios.map((s) => (
            <FlowCard
              key={s.name}
              name={s.name}
              description={s.description}
              meta={scenarioMeta(s)}
              flow={flow?.key === s.name ? flow : null}
              disabled={running}
              onRun={() => void start(s.name, s.name, s.request)}
            />
          ))}
          {editorRequest ? (
            <FlowCard
              name="Request in the editor"
              cardKey={EDITOR_KEY}
              description="Whatever the editor on the left holds now, edited or not."
              meta={editorNote ?? 'sent as-is: the engine names every problem'}
              metaWarn={editorNote !== null}
              flow={flow?.key === EDITOR_KEY ? flow : null}
              disabled={running}
              onRun={runEditor}
            />
          ) : null}
        </div>
      )}
      {flow ? (
        <FlowResult flow={flow} seq={seq} />
      ) : (
        <Empty testId="flow-none">
          Press <strong>Run all agents</strong> on a card: the stages and their results appear here.
        </Empty>
      )}
    </section>
  );
}

function scenarioMeta(s: Scenario): string {
  const assets = s.request.assets;
  const holdings = assets.reduce((t, a) => t + (a.holdings?.length ?? 0), 0);
  const history = s.request.price_history ? 'price history' : 'no history';
  return `${assets.length} assets${holdings ? ` · ${holdings} holdings` : ''} · ${history}`;
}

function FlowCard({
  name,
  cardKey,
  description,
  meta,
  metaWarn = false,
  flow,
  disabled,
  onRun,
}: {
  name: string;
  cardKey?: string;
  description: string;
  meta: string;
  metaWarn?: boolean;
  flow: FlowRun | null;
  disabled: boolean;
  onRun: () => void;
}) {
  const titleId = useId();
  return (
    <article
      className={`sf-card ${flow ? 'sf-active' : ''}`}
      data-testid="scenario-flow-card"
      data-name={cardKey ?? name}
      aria-labelledby={titleId}
    >
      <h4 className="sf-title" id={titleId}>
        {name}
      </h4>
      <p className="sf-desc small">{description}</p>
      <p
        className={`sf-meta small ${metaWarn ? 'sf-warn' : 'muted'}`}
        role={metaWarn ? 'alert' : undefined}
      >
        {meta}
      </p>
      <div className="sf-foot">
        <button
          type="button"
          className="btn primary-outline"
          data-testid="scenario-flow-run"
          aria-label={`Run all agents on ${name}`}
          disabled={disabled}
          onClick={onRun}
        >
          Run all agents
        </button>
        {flow ? <StageChips flow={flow} compact /> : null}
      </div>
    </article>
  );
}

/** One chip per stage: waiting, running, done (with its time) or failed. */
function StageChips({ flow, compact = false }: { flow: FlowRun; compact?: boolean }) {
  return (
    <ol
      className={`sf-stages ${compact ? 'compact' : ''}`}
      aria-label="Progress"
      data-testid={compact ? 'flow-card-stages' : 'flow-stages'}
    >
      {FLOW_STAGES.map((s) => {
        const st = flow[s];
        return (
          <li
            key={s}
            className={`sf-stage st-${st.state}`}
            data-testid={compact ? 'flow-card-stage' : 'flow-stage'}
            data-stage={s}
            data-state={st.state}
          >
            <span className="sf-dot" aria-hidden />
            {compact ? null : <span className="sf-stage-name">{STAGE_LABEL[s]}</span>}
            <span className={compact ? 'ag-sr' : 'sf-stage-state'}>
              {compact ? `${STAGE_LABEL[s]}: ` : ''}
              {stageWord(st)}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function stageWord(st: StageState<unknown>): string {
  switch (st.state) {
    case 'waiting':
      return 'waiting';
    case 'running':
      return 'running…';
    case 'done':
      return `done · ${num(st.ms, 0)} ms`;
    case 'error':
      return 'failed';
    case 'skipped':
      return 'not run';
  }
}

function FlowResult({ flow, seq }: { flow: FlowRun; seq: number }) {
  const state = flowState(flow);
  const reb = flow.rebalance.state === 'done' ? flow.rebalance.value : null;
  const currency = reb?.currency ?? 'USD';
  return (
    <div
      className="flow-result"
      data-testid="flow-result"
      data-state={state}
      data-seq={seq}
      data-key={flow.key}
      aria-busy={state === 'running'}
    >
      <div className="flow-result-head">
        <h4 className="sub-title">{flow.label}</h4>
        <StageChips flow={flow} />
      </div>
      <Stage stage="rebalance" st={flow.rebalance}>
        {(r) => <RebalanceSummary r={r} />}
      </Stage>
      <Stage stage="tandem" st={flow.tandem}>
        {(t) => (
          <>
            {t.output ? (
              <>
                <DecisionBanner key={t.tandem.run_id} r={t.output} runId={t.tandem.run_id} />
                <SupervisorChecks checks={t.output.supervisor.checks} />
              </>
            ) : (
              <>
                <DecisionLine decision={t.tandem.decision} reasons={t.tandem.decision_reasons} />
                {t.outputError ? (
                  <ErrorBox
                    error={t.outputError}
                    title="The policy checks of the tandem run could not be read"
                    testId="flow-checks-error"
                  />
                ) : null}
              </>
            )}
            <TandemTimeline t={t.tandem} />
          </>
        )}
      </Stage>
      <Stage stage="copilot" st={flow.copilot}>
        {(b) => <CopilotBrief b={b} currency={currency} />}
      </Stage>
    </div>
  );
}

function Stage<T>({
  stage,
  st,
  children,
}: {
  stage: FlowStage;
  st: StageState<T>;
  children: (value: T) => ReactNode;
}) {
  return (
    <section
      className={`flow-stage-body st-${st.state}`}
      data-testid={`flow-${stage}`}
      data-state={st.state}
    >
      <h5 className="flow-stage-title">
        {FLOW_STAGES.indexOf(stage) + 1}. {STAGE_LABEL[stage]}
        {st.state === 'done' ? <span className="muted small"> · {num(st.ms, 0)} ms</span> : null}
      </h5>
      {st.state === 'running' ? <div className="muted small">Running…</div> : null}
      {st.state === 'waiting' ? (
        <div className="muted small">Waits for the stage before.</div>
      ) : null}
      {st.state === 'skipped' ? (
        <div className="muted small">Not run: the stage before failed.</div>
      ) : null}
      {st.state === 'error' ? (
        <ErrorBox
          error={st.error}
          title={`${STAGE_LABEL[stage]} failed`}
          testId={`flow-error-${stage}`}
        />
      ) : null}
      {st.state === 'done' ? children(st.value) : null}
    </section>
  );
}

/** The rebalance run in one line, then its exceptions. */
function RebalanceSummary({ r }: { r: RebalanceResponse }) {
  const w = decisionWording(r.decision);
  const orders = (r.orders ?? []).filter((o) => o.action !== 'Hold').length;
  return (
    <>
      <p className="flow-summary small" data-testid="flow-rebalance-summary">
        <span className={`badge tone-${w.tone}`} title={w.help}>
          {r.decision.replaceAll('_', ' ')}
        </span>{' '}
        run <code data-testid="flow-rebalance-run">{r.run_id ?? '—'}</code> · {orders} order
        {orders === 1 ? '' : 's'} · turnover {pct(r.turnover_used)} of {pct(r.turnover_limit)} ·
        est. costs {money(r.estimated_total_transaction_cost, r.currency)}
      </p>
      <Exceptions r={r} />
    </>
  );
}

/** The decision when the saved run (with its checks) could not be read. */
function DecisionLine({ decision, reasons }: { decision: string; reasons: string[] }) {
  const w = decisionWording(decision);
  return (
    <div className="flow-decision" data-testid="flow-decision" data-decision={decision}>
      <span className={`badge tone-${w.tone}`}>{decision.replaceAll('_', ' ')}</span>
      <ul className="small">
        {reasons.map((x, i) => (
          <li key={i}>{x}</li>
        ))}
      </ul>
    </div>
  );
}
