/**
 * The one gate for every IPC channel the page may call: only the workstation's own top-level
 * page (the main frame, at app://workstation) is answered — not a subframe, not another origin,
 * not a frame that is gone. Each channel's handler validates its own payload after this.
 */
import type { Result } from '../src/contract/common';
import type { Engine } from '../src/server/app';

/** The parts of Electron's IpcMainInvokeEvent the check reads. */
export interface SenderEvent {
  senderFrame: { url: string } | null;
  sender: { mainFrame: unknown };
}

export const FORBIDDEN_SENDER = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'IPC is only answered for the workstation page' },
} as const satisfies Result<never>;

export function fromWorkstation(event: SenderEvent, isAppUrl: (url: string) => boolean): boolean {
  const frame = event.senderFrame;
  return !!frame && frame === event.sender.mainFrame && isAppUrl(frame.url);
}

/** Wraps a channel's handler so that it runs only for the workstation page. */
export function guarded<E extends SenderEvent>(
  isAppUrl: (url: string) => boolean,
  handler: (payload: unknown) => Result<unknown> | Promise<Result<unknown>>,
): (event: E, payload: unknown) => Promise<Result<unknown>> {
  return async (event, payload) =>
    fromWorkstation(event, isAppUrl) ? handler(payload) : FORBIDDEN_SENDER;
}

/** rpc:invoke — `{op, input}` in, the dispatch's Result envelope out. */
export function rpcHandler(dispatch: Engine['dispatch']) {
  return (payload: unknown): Promise<Result<unknown>> | Result<never> => {
    if (
      payload === null ||
      typeof payload !== 'object' ||
      typeof (payload as { op?: unknown }).op !== 'string'
    ) {
      return {
        ok: false,
        error: {
          code: 'BAD_REQUEST',
          message: 'expected {op, input}',
          details: [{ path: 'op', message: 'expected an operation name' }],
        },
      };
    }
    const { op, input } = payload as { op: string; input?: unknown };
    return dispatch(op, input ?? {}, { actor: 'desktop', transport: 'ipc' });
  };
}
