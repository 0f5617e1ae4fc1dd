/**
 * The Batches view's wording: batch statuses, item states and exception reasons in a PM's words,
 * each keyed by the contract's own list (a status or reason added there fails to compile here).
 * Pure functions only: the numbers they receive are the engine's, never recomputed.
 */
import type { BatchProgress, BatchStatus, ItemState } from '../../src/contract/batches';
import type { EXCEPTION_REASONS } from '../../src/contract/batches';

export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];
export type Tone = 'ok' | 'warn' | 'bad' | 'quiet';

interface Wording {
  label: string;
  tone: Tone;
  help: string;
}

export const STATUS_TEXT: Record<BatchStatus, Wording> = {
  queued: {
    label: 'Queued',
    tone: 'quiet',
    help: 'Created; no account handed to the executor yet.',
  },
  running: { label: 'Running', tone: 'quiet', help: 'Accounts are being computed.' },
  done: { label: 'Done', tone: 'ok', help: 'Every account has its outcome.' },
  failed: {
    label: 'Executor trouble',
    tone: 'bad',
    help: 'The executor reported trouble (see the reason). The batch waits and resumes by itself when the executor recovers, or at the next start.',
  },
  cancelled: {
    label: 'Cancelled',
    tone: 'warn',
    help: 'Cancelled: accounts not started were not computed; those already computing were still saved.',
  },
};

export const ITEM_STATE_TEXT: Record<ItemState, string> = {
  pending: 'pending',
  succeeded: 'run saved',
  failed: 'failed run',
  unbuilt: 'no run',
  cancelled: 'cancelled',
};

export const REASON_TEXT: Record<ExceptionReason, Wording> = {
  REVIEW_REQUIRED: {
    label: 'Review required',
    tone: 'warn',
    help: 'The Supervisor asks a person to approve the run before its orders are exported.',
  },
  REJECTED: {
    label: 'Rejected',
    tone: 'bad',
    help: 'The policy rejects the run: its orders are not exported.',
  },
  data_blocked: {
    label: 'Data blocked',
    tone: 'bad',
    help: 'A data-health finding the policy blocks on: the run was saved as failed.',
  },
  run_failed: {
    label: 'Run failed',
    tone: 'bad',
    help: 'The run was saved as failed (infeasible plan, solver limit).',
  },
  unbuilt: {
    label: 'Not built',
    tone: 'bad',
    help: 'No request could be made or computed (an asset without library history, an account worth 0, a computation error).',
  },
  bands_breached: {
    label: 'Bands breached',
    tone: 'warn',
    help: 'Assets still outside their band after the proposed trades.',
  },
};

/** Statuses the view keeps polling at the fast pace (every ~500 ms). */
export function isLive(status: BatchStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** Statuses that will not change again by themselves. */
export function isFinal(status: BatchStatus): boolean {
  return status === 'done' || status === 'cancelled';
}

export function reasonText(r: string): Wording {
  return Object.hasOwn(REASON_TEXT, r)
    ? REASON_TEXT[r as ExceptionReason]
    : { label: r.replaceAll('_', ' '), tone: 'quiet', help: r };
}

/** "1,234": whole counts as the engine gave them. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Each segment of the progress bar: its share of `total` as a CSS width ("37.5%"). */
export function share(n: number, total: number): string {
  return total > 0 ? `${(100 * Math.min(Math.max(n, 0), total)) / total}%` : '0%';
}

/**
 * The sentence a screen reader hears (aria-live): the status and the finished accounts in whole
 * tenths, so a batch polled every 500 ms is announced at most ten times, not at every answer.
 * "Running: about 40% of 2,000 accounts finished."
 */
export function announcement(status: BatchStatus, p: BatchProgress): string {
  const s = STATUS_TEXT[status].label;
  if (!isLive(status)) {
    return `${s}: ${count(p.done)} saved, ${count(p.failed)} failed, ${count(p.cancelled)} cancelled, ${count(p.pending)} pending of ${count(p.total)}; ${count(p.exceptions)} exception${p.exceptions === 1 ? '' : 's'}.`;
  }
  const tenths = p.total > 0 ? Math.floor((10 * (p.total - p.pending)) / p.total) * 10 : 0;
  return `${s}: about ${tenths}% of ${count(p.total)} account${p.total === 1 ? '' : 's'} finished.`;
}
