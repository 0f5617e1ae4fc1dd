/**
 * A saved run computed from its request body: parse, validate, run, shape the answer, check it
 * against the output contract and serialize it — all on a pool worker. The owner of the database
 * is left with what only it can do: save the run and put the new run_id in the answer. A 1 MB
 * rebalance body used to cost the thread that answers requests about 35 ms of JSON.parse,
 * validation and JSON.stringify per request (issue #10: /api/health p99 under load).
 */
import type { RpcError } from '../../contract/common';
import { operations } from '../../contract/operations';
import type { RebalanceResponse } from '../../contract/rebalance';
import { zodDetails } from '../../contract/common';
import { sha256Parts } from '../../domain/canonical';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { PolicyInForce } from '../../agents/context';
import { parseJsonObject, validateInput } from '../../rpc/validate';
import type { tandemView } from '../tandem';
import type { ComputeEnv } from './env';
import { computeRun, type DeriveKind, type RunComputed } from './run';

/** Run operations whose HTTP body is parsed and checked on a pool worker. */
export const RUN_TEXT_OPS = ['rebalance', 'tandemDemo', 'copilotInsights'] as const;
export type RunTextOp = (typeof RUN_TEXT_OPS)[number];
const RUN_TEXT_OP_SET: ReadonlySet<string> = new Set(RUN_TEXT_OPS);
export const isRunTextOp = (op: string): op is RunTextOp => RUN_TEXT_OP_SET.has(op);

/** The run kind and derivation of each such operation. */
export const TEXT_OP_KIND = {
  rebalance: { kind: 'rebalance', derive: null },
  tandemDemo: { kind: 'tandem', derive: 'tandem' },
  copilotInsights: { kind: 'copilot', derive: 'copilot' },
} as const satisfies Record<RunTextOp, { kind: string; derive: DeriveKind }>;

type Output = RebalanceResponse & Record<string, unknown>;

/**
 * The answer of each operation from a run's output, with its run_id first (so the serialized
 * answer starts with it and the owner can put the real id in without parsing).
 * Example: `answerOf('rebalance', 'R1', out)` → `{run_id: 'R1', ...out}`.
 */
export function answerOf(op: RunTextOp, run_id: string, output: Output): Record<string, unknown> {
  if (op === 'rebalance') return { run_id, ...output };
  if (op === 'tandemDemo') {
    const view = output.tandem as ReturnType<typeof tandemView>;
    return {
      run_id,
      decision: output.decision,
      decision_reasons: output.decision_reasons,
      ...view,
    };
  }
  return { run_id, ...(output.copilot as Record<string, unknown>) };
}

/** Stands for the run_id in a serialized answer: 26 characters, like the ULIDs the store gives. */
export const RUN_ID_PLACEHOLDER = '0'.repeat(26);
/** Every serialized answer starts with this; the owner replaces it with the saved run's id. */
export const ANSWER_PREFIX = `{"run_id":"${RUN_ID_PLACEHOLDER}"`;

export interface RequestTask {
  op: RunTextOp;
  /** The request body as received (UTF-8 text of one JSON object). */
  body: string;
  /** Path parameters, merged into the body as dispatch does. */
  params: [string, string][];
  policy: PolicyInForce;
}

type ComputedRun = Omit<RunComputed & { status: 'succeeded' }, 'output'> & {
  /** SHA-256 of input_json and output_json, hashed here for the store (SaveRunInput). */
  text_hashes: { input_json: string; output_json: string };
};

export type RequestComputed =
  /** The body or its fields were refused: answer this error, save nothing. */
  | { kind: 'refused'; error: RpcError }
  /** The request needs the owner's side (a copilot rephrasing calls a model): run it there. */
  | { kind: 'owner'; input: Record<string, unknown> }
  /** A data-health block or an infeasible plan: saved as a failed run, then answered. */
  | { kind: 'failed'; run: RunComputed & { status: 'failed' }; portfolio_id: string | null }
  /**
   * Computed: save it, then answer with the run's id in place of the placeholder. The answer is
   * UTF-8 bytes, encoded here: an 8 MB answer cost the owner 45 ms to encode while writing it.
   */
  | {
      kind: 'succeeded';
      run: ComputedRun;
      decision: Output['decision'];
      portfolio_id: string | null;
      answer: Uint8Array;
    }
  /** The answer broke the output contract (a bug): INTERNAL, the detail goes to the log only. */
  | { kind: 'internal'; message: string };

/**
 * Parses and validates the body as `op`'s input, computes the run, and returns what the owner
 * saves and sends. Example: `computeRequest({op: 'rebalance', body, params: [], policy}, env)` →
 * `{kind: 'succeeded', run: {input_json, output_json, …}, answer: <UTF-8 of {"run_id":"000…",…}>}`.
 */
export async function computeRequest(task: RequestTask, env: ComputeEnv): Promise<RequestComputed> {
  const body = parseJsonObject(task.body);
  if (!body.ok) return { kind: 'refused', error: body.error };
  for (const [k, v] of task.params) body.value[k] = v;
  const valid = validateInput(task.op, body.value);
  if (!valid.ok) return { kind: 'refused', error: valid.error };
  const { rephrase, ...input } = valid.value as typeof valid.value & { rephrase?: boolean };
  if (rephrase) return { kind: 'owner', input: body.value };
  const { derive } = TEXT_OP_KIND[task.op];
  const run = await computeRun({ input, policy: task.policy, derive }, env);
  const portfolio_id = input.portfolio_id ?? null;
  if (run.status === 'failed') return { kind: 'failed', run, portfolio_id };
  const { output, ...stored } = run;
  const answer = answerOf(task.op, RUN_ID_PLACEHOLDER, output);
  const checked = operations[task.op].output.safeParse(answer);
  if (!checked.success)
    return {
      kind: 'internal',
      message: `output contract violated: ${JSON.stringify(zodDetails(checked.error).slice(0, 5))}`,
    };
  const answer_json = JSON.stringify(answer);
  if (!answer_json.startsWith(ANSWER_PREFIX))
    return { kind: 'internal', message: 'the serialized answer does not start with its run_id' };
  const sha = env.sha256 ?? sha256Parts;
  return {
    kind: 'succeeded',
    run: {
      ...stored,
      text_hashes: { input_json: sha([stored.input_json]), output_json: sha([stored.output_json]) },
    },
    decision: output.decision,
    portfolio_id,
    answer: utf8ToBytes(answer_json),
  };
}
