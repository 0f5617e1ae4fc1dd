/**
 * The agents' architecture as the engine describes it (GET /api/multi-agent-blueprint): the
 * orchestration flow — every step of a run, agent and phase, in order — as a banner, and one
 * card per agent with its role, objective, version, models, inputs and outputs.
 */
import { useId } from 'react';
import { splitFlowEntry, type Blueprint } from './flow';

/** The eight steps of a run in order: the Supervisor opens and closes it. */
export function FlowBanner({ flow }: { flow: string[] }) {
  return (
    <ol className="flow-banner" data-testid="flow-banner" aria-label="Orchestration flow">
      {flow.map((entry, i) => {
        const { agent, phase } = splitFlowEntry(entry);
        return (
          <li
            key={`${i}-${entry}`}
            className="flow-step"
            data-testid="flow-step"
            data-agent={agent}
            data-phase={phase}
          >
            <span className="flow-text">
              <span className="flow-agent">{agent.replace(/ Agent$/, '')}</span>
              <span className="flow-phase">
                <span className="flow-num" aria-hidden>
                  {i + 1}
                </span>{' '}
                {phase}
              </span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export function AgentCards({ agents }: { agents: Blueprint['agents'] }) {
  return (
    <div className="agent-cards" data-testid="agent-cards">
      {agents.map((a) => (
        <AgentCard key={a.name} a={a} />
      ))}
    </div>
  );
}

function AgentCard({ a }: { a: Blueprint['agents'][number] }) {
  const titleId = useId();
  return (
    <article
      className="agent-card"
      data-testid="agent-card"
      data-agent={a.name}
      aria-labelledby={titleId}
    >
      <header className="agent-card-head">
        <span className="agent-step-no" title="Position in the flow">
          {a.step}
        </span>
        <h4 id={titleId} className="agent-card-name" data-testid="agent-card-name">
          {a.name}
        </h4>
        <span className="agent-version" data-testid="agent-card-version">
          v{a.version}
        </span>
      </header>
      <p className="agent-role" data-testid="agent-card-role">
        {a.role}
      </p>
      <p className="agent-objective small muted">{a.objective}</p>
      <dl className="agent-io">
        <dt>Inputs</dt>
        <dd>
          <Chips items={a.inputs} testId="agent-card-input" />
        </dd>
        <dt>Outputs</dt>
        <dd>
          <Chips items={a.outputs} testId="agent-card-output" />
        </dd>
        <dt>Models</dt>
        <dd>
          <Chips items={a.models.map((m) => `${m.name} v${m.version}`)} testId="agent-card-model" />
        </dd>
      </dl>
    </article>
  );
}

function Chips({ items, testId }: { items: string[]; testId: string }) {
  return (
    <span className="chips">
      {items.map((x) => (
        <code key={x} className="chip" data-testid={testId}>
          {x}
        </code>
      ))}
    </span>
  );
}
