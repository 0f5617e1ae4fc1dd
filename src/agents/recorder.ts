/**
 * The step recorder: times each agent invocation and writes its record (docs/agents.md, "Step
 * records"). Hashes chain the steps so a record cannot be reordered or edited unnoticed:
 *   input_hash_1 = SHA-256("spr-agent-step/v1\n" ‖ run input hash ‖ "\n" ‖ policy hash)
 *   output_hash_k = SHA-256(canonical JSON of {agent, phase, summary, evidence, warnings})
 *   input_hash_k+1 = SHA-256("spr-agent-step/v1\n" ‖ input_hash_k ‖ "\n" ‖ output_hash_k)
 * Timings (started_at, ended_at, duration_ms) are measurements, outside every hash, so a replay
 * reproduces the record byte for byte once they are set aside. Steps are contiguous (each starts
 * where the previous ended), so their durations add up to the pipeline's wall time.
 */
import type { Warning } from '../contract/common';
import type { AgentStep } from '../contract/agents';
import { canonicalJson, type Sha256Parts } from '../domain/canonical';
import type { AgentDef, StepReport } from './types';

const TAG = 'spr-agent-step/v1\n';

export interface RecorderClock {
  now(): Date;
  /** Monotonic milliseconds (performance.now in the adapters). */
  monotonicMs(): number;
}

/** A recorder clock from the engine clock and an optional monotonic source (ms). */
export function RecorderClockFrom(
  clock: { now(): Date },
  monotonicMs?: () => number,
): RecorderClock {
  return { now: () => clock.now(), monotonicMs: monotonicMs ?? (() => clock.now().getTime()) };
}

export class StepRecorder {
  readonly steps: AgentStep[] = [];
  private chain: string;
  private lastEnd: number | null = null;

  constructor(
    private readonly clock: RecorderClock,
    private readonly sha256: Sha256Parts,
    private readonly warnings: Warning[],
    runInputHash: string,
    policyHash: string,
  ) {
    this.chain = sha256([TAG, runInputHash, '\n', policyHash]);
  }

  /**
   * Runs `work` as one step of `agent` and records it. The step's warnings are the ones the work
   * appended to the run's warning list. If the work throws, the error propagates and no record
   * is written (a failed run stores the error, not a partial timeline).
   */
  async run<T>(
    agent: AgentDef,
    phase: string,
    work: () => T | Promise<T>,
    report: (t: T) => StepReport,
    /** Monotonic start when the step's work began before this call (the intake's hashing). */
    startedMono?: number,
  ): Promise<T> {
    const now = this.clock.monotonicMs();
    // Steps are contiguous: a step's time runs from the end of the previous one, so hand-offs
    // (and any pause between steps) are charged to the next step and the durations sum to the
    // pipeline's wall time.
    const t0 = startedMono ?? this.lastEnd ?? now;
    const startedAt = new Date(this.clock.now().getTime() - (now - t0));
    const w0 = this.warnings.length;
    const value = await work();
    const r = report(value);
    const t1 = this.clock.monotonicMs();
    this.lastEnd = t1;
    const warnings = this.warnings.slice(w0);
    const input_hash = this.chain;
    const output_hash = this.sha256([
      canonicalJson({
        agent: agent.name,
        phase,
        summary: r.summary,
        evidence: r.evidence,
        warnings,
      }),
    ]);
    this.chain = this.sha256([TAG, input_hash, '\n', output_hash]);
    this.steps.push({
      step: this.steps.length + 1,
      agent: agent.name,
      phase,
      version: agent.version,
      started_at: startedAt.toISOString(),
      ended_at: new Date(startedAt.getTime() + (t1 - t0)).toISOString(),
      duration_ms: Math.max(0, t1 - t0),
      input_hash,
      output_hash,
      summary: r.summary,
      evidence: r.evidence,
      warnings,
    });
    return value;
  }
}
