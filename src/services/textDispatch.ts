/**
 * The HTTP adapter's path for the operations whose bodies or answers are large. Runs (rebalance,
 * tandem, copilot): the request body goes to a pool worker as text, which parses, validates,
 * computes and serializes the answer (compute/request.ts); this thread resolves the portfolio
 * version, saves the run and splices the run_id into the answer. Imports: the body is checked
 * here (it is one string, the file), the file parsed on the pool, and the answer's large fields
 * (the portfolio, the price histories) come back as JSON text, checked there, spliced here.
 * Results, errors and stored rows are those of the parsed-input path (dispatch + handlers),
 * which IPC and in-process callers keep using.
 */
import { EngineError, type Result } from '../contract/common';
import type { CallContext } from '../contract/operations';
import type { Dispatch, InternalErrorSink } from '../rpc/dispatch';
import { operations } from '../contract/operations';
import { stringifyWith } from '../domain/jsonText';
import { parseJsonObject, validateInput } from '../rpc/validate';
import { ANSWER_PREFIX, isRunTextOp, TEXT_OP_KIND, type RunTextOp } from './compute/request';
import { importPortfolioFileText, importPriceFileText } from './imports';
import { policyInForce } from './policy';
import { computeOf, portfolioVersionOf, saveFailed, saveSucceeded, type RunDeps } from './runs';

/**
 * A JSON answer already serialized, in parts written one after the other (text as UTF-8): the
 * run_id's few bytes, then the worker's encoded rest of the answer, never joined or re-encoded.
 */
export interface AnswerText {
  parts: (string | Uint8Array)[];
}

/** Operations served from their body text (HTTP). */
export const TEXT_OPS = [
  'rebalance',
  'tandemDemo',
  'copilotInsights',
  'importPortfolio',
  'importPrices',
] as const;
export type TextOp = (typeof TEXT_OPS)[number];
const TEXT_OP_SET: ReadonlySet<string> = new Set(TEXT_OPS);
export const isTextOp = (op: string): op is TextOp => TEXT_OP_SET.has(op);

export type TextDispatch = (
  op: TextOp,
  body: string,
  params: [string, string][],
  ctx: CallContext,
) => Promise<Result<AnswerText>>;

/**
 * Example: `const run = createTextDispatch(deps, dispatch); await run('rebalance', bodyText, [],
 * ctx)` → `{ok: true, value: {json: '{"run_id":"01J…",…}'}}`, the run saved.
 * `dispatch` serves requests that need this thread (a copilot rephrasing through a model).
 */
export function createTextDispatch(
  deps: RunDeps,
  dispatch: Dispatch,
  onInternal?: InternalErrorSink,
): TextDispatch {
  const compute = computeOf(deps);
  return async (op, body, params, ctx) => {
    try {
      if (!isRunTextOp(op)) return await importText(op, body, params, ctx);
      const policy = policyInForce(deps.store);
      const done = await compute.run('request', { op, body, params, policy });
      if (done.kind === 'refused') return { ok: false, error: done.error };
      if (done.kind === 'internal') {
        onInternal?.(op, new Error(done.message));
        return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
      }
      if (done.kind === 'owner') {
        const r = await dispatch(op, done.input, ctx);
        return r.ok ? { ok: true, value: { parts: [JSON.stringify(r.value)] } } : r;
      }
      const { kind } = TEXT_OP_KIND[op];
      const at = {
        kind,
        portfolio_id: done.portfolio_id,
        portfolio_version: portfolioVersionOf(deps.store, done.portfolio_id),
        actor: ctx.actor,
      };
      if (done.kind === 'failed') return await saveFailed(deps.store, at, done.run);
      const run_id = await saveSucceeded(deps.store, at, done.run, done.decision);
      // The prefix is ASCII: as many bytes as characters.
      const head = `{"run_id":${JSON.stringify(run_id)}`;
      return { ok: true, value: { parts: [head, done.answer.subarray(ANSWER_PREFIX.length)] } };
    } catch (e) {
      if (e instanceof EngineError)
        return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
      onInternal?.(op, e);
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
    }
  };

  /** An import: body checked here, file parsed on the pool, large answer fields as JSON text. */
  async function importText(
    op: Exclude<TextOp, RunTextOp>,
    text: string,
    params: [string, string][],
    ctx: CallContext,
  ): Promise<Result<AnswerText>> {
    const body = parseJsonObject(text);
    if (!body.ok) return body;
    for (const [k, v] of params) body.value[k] = v;
    if (op === 'importPortfolio') {
      const valid = validateInput(op, body.value);
      if (!valid.ok) return valid;
      const answer = await importPortfolioFileText(deps.store, compute, valid.value, ctx.actor);
      return checked(op, answer, { ...answer, content: null });
    }
    const valid = validateInput(op, body.value);
    if (!valid.ok) return valid;
    const answer = await importPriceFileText(deps.store, compute, valid.value, ctx.actor);
    return checked(op, answer, { ...answer, price_history: null, series_history: null });
  }

  /**
   * The answer as JSON text, once its small part (`small`: the large fields as null; they were
   * checked on the pool) passed the operation's output schema.
   */
  function checked(op: TextOp, answer: unknown, small: unknown): Result<AnswerText> {
    const r = operations[op].output.safeParse(small);
    if (r.success) return { ok: true, value: { parts: [stringifyWith(answer)] } };
    onInternal?.(op, new Error(`output contract violated: ${r.error.message.slice(0, 500)}`));
    return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
  }
}
