import { EngineError, zodDetails, type Result } from '../contract/common';
import { operations, type CallContext, type Handlers, type OpName } from '../contract/operations';
import { validateInput } from './validate';

export type Dispatch = (op: string, input: unknown, ctx: CallContext) => Promise<Result<unknown>>;

/** Hook for adapters to log internal failures without ever sending them to the caller. */
export type InternalErrorSink = (op: string, error: unknown) => void;

export function isOpName(op: string): op is OpName {
  return Object.prototype.hasOwnProperty.call(operations, op);
}

/**
 * The single entry point every transport uses (HTTP, IPC, CLI, in-process tests):
 * validate input → run handler → validate output → envelope. Validation failures list every
 * problem; anything unexpected becomes INTERNAL with a generic message (no stack, path or SQL
 * leaves the process).
 */
export function createDispatch(handlers: Handlers, onInternal?: InternalErrorSink): Dispatch {
  return async (op, input, ctx) => {
    if (!isOpName(op)) {
      return { ok: false, error: { code: 'NOT_FOUND', message: `unknown operation "${op}"` } };
    }
    const def = operations[op];
    const parsed = validateInput(op, input);
    if (!parsed.ok) return parsed;
    try {
      const handler = handlers[op] as (i: unknown, c: CallContext) => unknown;
      const value = await handler(parsed.value, ctx);
      const checked = def.output.safeParse(value);
      if (!checked.success) {
        onInternal?.(
          op,
          new Error(
            `output contract violated: ${JSON.stringify(zodDetails(checked.error).slice(0, 5))}`,
          ),
        );
        return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
      }
      return { ok: true, value };
    } catch (e) {
      if (e instanceof EngineError) {
        return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
      }
      onInternal?.(op, e);
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
    }
  };
}
