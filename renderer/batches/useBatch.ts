/**
 * Follows one batch: `GET /api/batches/{batch_id}` every ~500 ms while it is queued or running
 * (or cancelled with accounts still computing), then stops (done, cancelled). A batch in `failed` is waiting for its executor and resumes by
 * itself, so it is checked again every few seconds instead; an engine error is retried after a
 * pause unless it says the batch is not there. Polling stops when the view unmounts or follows
 * another batch (or another page of its items): an answer that arrives after that is dropped.
 */
import { useCallback, useEffect, useState } from 'react';
import type { RpcError } from '../../src/contract/common';
import type { BatchDetail } from '../../src/contract/batches';
import { call } from '../shared/api';
import { isFinal, isLive } from './batchText';

export const POLL_MS = 500;
/** How often a batch in `failed` (executor trouble, resumes by itself) is checked again. */
export const RECHECK_MS = 5_000;
/** Pause before an engine error is retried. */
export const RETRY_MS = 2_000;
/** Items (and their exceptions) per page. */
export const ITEM_PAGE = 500;

/** Errors that will not go away by asking again. */
const PERMANENT = new Set(['NOT_FOUND', 'BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN']);

export interface BatchFollow {
  detail: BatchDetail | null;
  error: RpcError | null;
  /** Answers received (tests wait on it, never on time). */
  seq: number;
  /** Whether another answer is expected without the user doing anything. */
  polling: boolean;
  /** Asks at once (after Cancel, or "Check again"). */
  refresh: () => void;
}

/** The next poll's delay after an answer, or null to stop. */
export function nextDelay(
  answer: { ok: true; value: BatchDetail } | { ok: false; error: RpcError },
): number | null {
  if (!answer.ok) return PERMANENT.has(answer.error.code) ? null : RETRY_MS;
  const { status, progress } = answer.value;
  // A cancelled batch still saves the accounts that were computing: followed until they land.
  if (isLive(status) || (status === 'cancelled' && progress.pending > 0)) return POLL_MS;
  return isFinal(status) ? null : RECHECK_MS;
}

export function useBatch(batchId: string | null, from: number): BatchFollow {
  const [state, setState] = useState<{
    key: string;
    detail: BatchDetail | null;
    error: RpcError | null;
    seq: number;
    polling: boolean;
  }>({ key: '', detail: null, error: null, seq: 0, polling: false });
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  const key = batchId === null ? '' : `${batchId}@${from}`;

  useEffect(() => {
    if (batchId === null) return;
    let live = true;
    let timer: number | undefined;
    const poll = async () => {
      const r = await call('getBatch', { batch_id: batchId, from, limit: ITEM_PAGE });
      if (!live) return;
      const delay = nextDelay(r);
      setState((s) => ({
        key,
        // Another batch's (or page's) detail is never shown under this one.
        detail: r.ok ? r.value : s.key === key ? s.detail : null,
        error: r.ok ? null : r.error,
        seq: s.seq + 1,
        polling: delay !== null,
      }));
      if (delay !== null) timer = window.setTimeout(() => void poll(), delay);
    };
    setState((s) =>
      s.key === key
        ? { ...s, polling: true }
        : { ...s, key, detail: null, error: null, polling: true },
    );
    void poll();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [batchId, from, tick, key]);

  const mine = state.key === key;
  return {
    detail: mine ? state.detail : null,
    error: mine ? state.error : null,
    seq: state.seq,
    polling: mine && state.polling,
    refresh,
  };
}
