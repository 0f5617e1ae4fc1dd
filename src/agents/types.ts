/**
 * What every agent is: a named module with a role, a version, the zod shapes of what it reads and
 * what it writes, and a step record for each invocation. docs/agents.md, "The agents".
 */
import type { z } from 'zod';
import type { AgentName, Evidence } from '../contract/agents';

export interface AgentDef {
  name: AgentName;
  /** One line: what the agent is responsible for. */
  role: string;
  /** What the agent does in a run, as shown in the tandem timeline. */
  objective: string;
  version: string;
  /** What it reads (documented in the blueprint; the request itself is validated at the boundary). */
  input: z.ZodType;
  /** What it adds to the run (checked against every run's output in the tests). */
  output: z.ZodType;
  /** Response fields this agent writes. */
  writes: readonly string[];
  /** Models or rules the agent runs, with their versions. */
  models: readonly { name: string; version: string }[];
}

/** What an agent step reports about itself when it ends. */
export interface StepReport {
  summary: string;
  evidence: Evidence[];
}

/** Evidence helper: a named figure with an optional unit. */
export function ev(name: string, value: Evidence['value'], unit?: string): Evidence {
  return unit === undefined ? { name, value } : { name, value, unit };
}
