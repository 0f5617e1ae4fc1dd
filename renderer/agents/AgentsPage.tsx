/**
 * The Agents view: how the six agents work together (the orchestration flow and one card per
 * agent, from the engine's blueprint) and scenario cards that run them all in one click
 * (rebalance → tandem timeline → copilot brief), with the Supervisor's decision, approve /
 * reject and the brief on screen. The policy the Supervisor applies has its own view (Policy).
 */
import { AgentCards, FlowBanner } from './Architecture';
import { ScenarioFlows, type EditorRequest } from './ScenarioFlows';
import { call } from '../shared/api';
import { ErrorBox } from '../shared/ErrorBox';
import type { Scenario } from '../shared/types';
import { useData } from '../shared/useData';
import './agents.css';

export function AgentsPage({
  scenarios,
  editorRequest,
}: {
  /** The shipped scenarios (null while they load). */
  scenarios: Scenario[] | null;
  editorRequest?: EditorRequest | undefined;
}) {
  const { data, reload } = useData(() => call('blueprint', {}), []);
  const bp = data.value;
  return (
    <div
      className="page agents-page"
      data-testid="agents-page"
      data-state={data.state}
      data-seq={data.seq}
    >
      <div className="page-head">
        <h2 className="page-title">Agents</h2>
        {bp ? (
          <span className="muted small" data-testid="agents-engine">
            engine {bp.engine_version} · policy v{bp.policy.version} · {bp.agents.length} agents,{' '}
            {bp.flow.length} steps per run
          </span>
        ) : null}
      </div>
      {data.state === 'error' ? (
        <ErrorBox
          error={data.error}
          title="The agents' blueprint could not be loaded"
          testId="blueprint-error"
        >
          <button type="button" className="btn" onClick={reload}>
            Try again
          </button>
        </ErrorBox>
      ) : null}
      {bp ? (
        <section
          className="block agents-section"
          aria-label="Architecture"
          data-testid="agents-architecture"
        >
          <div className="block-head">
            <h3 className="sub-title">Orchestration flow</h3>
            <span className="muted small">
              every run, in this order: the Supervisor opens it with the policy and closes it with
              the decision
            </span>
          </div>
          <FlowBanner flow={bp.flow} />
          <AgentCards agents={bp.agents} />
        </section>
      ) : data.state === 'loading' ? (
        <div className="muted small">Loading the blueprint…</div>
      ) : null}
      <ScenarioFlows scenarios={scenarios} editorRequest={editorRequest} />
    </div>
  );
}
