/**
 * The Batches and Models views' pure parts: wording keyed by the contract's own lists, the
 * screen-reader announcement (coarse while running), the progress bar's widths, when the view
 * polls again (renderer/batches/useBatch.ts nextDelay), the history_days field, the account
 * filter, and the detail loader's concurrency limit.
 */
import { describe, expect, it } from 'vitest';
import {
  BATCH_STATUSES,
  EXCEPTION_REASONS,
  ITEM_STATES,
  type BatchDetail,
  type BatchProgress,
} from '../../../src/contract/batches';
import { LIMITS } from '../../../src/contract/rebalance';
import {
  announcement,
  ITEM_STATE_TEXT,
  reasonText,
  REASON_TEXT,
  share,
  STATUS_TEXT,
} from '../../../renderer/batches/batchText';
import { nextDelay, POLL_MS, RECHECK_MS, RETRY_MS } from '../../../renderer/batches/useBatch';
import { DEFAULT_HISTORY_DAYS, parseHistoryDays } from '../../../renderer/batches/history';
import { filterAccounts } from '../../../renderer/models/accountFilter';
import { eachLimited } from '../../../renderer/models/useDetails';

const progress = (over: Partial<BatchProgress> = {}): BatchProgress => ({
  total: 2000,
  done: 0,
  failed: 0,
  cancelled: 0,
  pending: 2000,
  by_decision: { APPROVED: 0, REVIEW_REQUIRED: 0, REJECTED: 0 },
  exceptions: 0,
  ...over,
});

const detail = (status: BatchDetail['status'], p: Partial<BatchProgress> = {}): BatchDetail => ({
  batch_id: '01J0000000000000000000000B',
  kind: 'model',
  status,
  created_at: '2026-01-02T10:00:00Z',
  finished_at: null,
  actor: 'test',
  model_id: 'growth',
  model_version: 1,
  policy_version: 0,
  total: 2000,
  settings: { history_days: 756 },
  executor: 'local',
  trouble: status === 'failed' ? 'redis unreachable' : null,
  progress: progress(p),
  items: [],
  exceptions: [],
  next_from: null,
});

describe('wording follows the contract', () => {
  it('has words for every status, item state and exception reason', () => {
    expect(Object.keys(STATUS_TEXT).sort()).toEqual([...BATCH_STATUSES].sort());
    expect(Object.keys(ITEM_STATE_TEXT).sort()).toEqual([...ITEM_STATES].sort());
    expect(Object.keys(REASON_TEXT).sort()).toEqual([...EXCEPTION_REASONS].sort());
    expect(reasonText('bands_breached').label).toBe('Bands breached');
    expect(reasonText('something_new')).toMatchObject({ label: 'something new', tone: 'quiet' });
  });
});

describe('announcement (aria-live)', () => {
  it('says the progress in whole tenths while running, so it changes at most ten times', () => {
    expect(announcement('running', progress({ done: 799, pending: 1201 }))).toBe(
      'Running: about 30% of 2,000 accounts finished.',
    );
    expect(announcement('running', progress({ done: 800, failed: 1, pending: 1199 }))).toBe(
      'Running: about 40% of 2,000 accounts finished.',
    );
    expect(announcement('queued', progress({ total: 0, pending: 0 }))).toBe(
      'Queued: about 0% of 0 accounts finished.',
    );
  });

  it('gives every count once the batch has ended', () => {
    expect(
      announcement('done', progress({ total: 4, done: 3, failed: 1, pending: 0, exceptions: 1 })),
    ).toBe('Done: 3 saved, 1 failed, 0 cancelled, 0 pending of 4; 1 exception.');
  });
});

describe('progress bar widths', () => {
  it('is each count’s share of the total, clamped, and 0 for an empty batch', () => {
    expect(share(1, 4)).toBe('25%');
    expect(share(5, 4)).toBe('100%');
    expect(share(-1, 4)).toBe('0%');
    expect(share(0, 0)).toBe('0%');
  });
});

describe('when the view asks again', () => {
  it('polls fast while queued or running, and while a cancelled batch still saves accounts', () => {
    expect(nextDelay({ ok: true, value: detail('queued') })).toBe(POLL_MS);
    expect(nextDelay({ ok: true, value: detail('running') })).toBe(POLL_MS);
    expect(nextDelay({ ok: true, value: detail('cancelled', { pending: 1 }) })).toBe(POLL_MS);
    expect(POLL_MS).toBe(500);
  });

  it('stops at done and at a cancelled batch with nothing pending', () => {
    expect(nextDelay({ ok: true, value: detail('done', { pending: 0 }) })).toBeNull();
    expect(nextDelay({ ok: true, value: detail('cancelled', { pending: 0 }) })).toBeNull();
  });

  it('checks a batch with executor trouble again slowly (it resumes by itself)', () => {
    expect(nextDelay({ ok: true, value: detail('failed') })).toBe(RECHECK_MS);
  });

  it('retries a passing error, not one that will not change', () => {
    expect(nextDelay({ ok: false, error: { code: 'INTERNAL', message: 'x' } })).toBe(RETRY_MS);
    expect(nextDelay({ ok: false, error: { code: 'NOT_FOUND', message: 'x' } })).toBeNull();
    expect(nextDelay({ ok: false, error: { code: 'UNAUTHORIZED', message: 'x' } })).toBeNull();
  });
});

describe('history_days field', () => {
  it('empty is the contract default; whole days within the contract bounds only', () => {
    expect(parseHistoryDays('')).toEqual({ ok: true, value: DEFAULT_HISTORY_DAYS });
    expect(DEFAULT_HISTORY_DAYS).toBe(756);
    expect(parseHistoryDays('1,000')).toEqual({ ok: true, value: 1000 });
    expect(parseHistoryDays('2')).toEqual({ ok: true, value: 2 });
    for (const bad of ['1', '2.5', 'abc', '-3', String(LIMITS.maxHistory + 1)]) {
      const r = parseHistoryDays(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/^must be a whole number of days from 2 to /);
    }
  });
});

describe('account filter', () => {
  const a = (id: string, model: string | null) => ({
    account_id: id,
    name: id,
    model_id: model,
    created_at: '',
    latest_version: 1,
    updated_at: '',
  });
  const rows = [a('A', 'growth'), a('B', null), a('C', 'income')];
  it('keeps all, those with no model, or those of one model', () => {
    expect(filterAccounts(rows, '').map((r) => r.account_id)).toEqual(['A', 'B', 'C']);
    expect(filterAccounts(rows, '-').map((r) => r.account_id)).toEqual(['B']);
    expect(filterAccounts(rows, 'income').map((r) => r.account_id)).toEqual(['C']);
  });
});

describe('detail loader', () => {
  it('runs every item, never more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(n);
      running--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });
});
