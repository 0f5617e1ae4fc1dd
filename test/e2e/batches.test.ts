/**
 * End-to-end: Models & accounts and Batches in the workstation UI (browser mode, Debian's
 * Chromium driven by playwright-core, production build, engine in-process on a random loopback
 * port with a fresh data directory).
 *
 * A model and the price library are saved through the engine's operations, plus one account
 * holding an asset the library does not have; the 3 accounts of test/fixtures/import/accounts.csv
 * are imported in the Models view and the odd account assigned to the model there. A batch
 * started from the Batches view is followed to `done`; every count on screen is checked against
 * the engine's own GET /api/batches/{id}, an exception's run opens in Runs, and a slow batch
 * (30 accounts, a 25,000,000-step Monte Carlo each, created through the API) is cancelled with
 * the view's Cancel button.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BatchDetail } from '../../src/contract/batches';
import type { App } from '../../src/server/app';
import { ACCOUNTS_CSV, GROWTH, ok, seedBook } from './book';
import { type Harness, hasChromium, SHOTS, startHarness, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

warnIfNoChromium('the batches UI suite');

const SLOW_ACCOUNTS = 30;

describe.skipIf(!hasChromium)('Models & accounts and Batches in the UI (Chromium)', () => {
  let harness: Harness | undefined;
  let app: App;
  let page: Page;
  let ws: Workstation;
  let consoleErrors: string[];
  let batchId = '';

  /** The text of the element with this test id, trimmed. */
  const text = async (testId: string, within = page.locator('body')) =>
    (await within.getByTestId(testId).first().innerText()).trim();
  /** The value of a count tile (the Kpi's value line). */
  const tile = async (testId: string) =>
    (await page.getByTestId(testId).locator('.stat-value').innerText()).trim();
  const n = (x: number) => x.toLocaleString('en-US');

  /** Every count the progress panel shows equals the engine's progress of the same batch. */
  const expectCountsOf = async (d: BatchDetail) => {
    const p = d.progress;
    expect(await tile('batch-total')).toBe(n(p.total));
    expect(await tile('batch-done')).toBe(n(p.done));
    expect(await tile('batch-failed')).toBe(n(p.failed));
    expect(await tile('batch-cancelled')).toBe(n(p.cancelled));
    expect(await tile('batch-pending')).toBe(n(p.pending));
    expect(await tile('batch-decision-APPROVED')).toBe(n(p.by_decision.APPROVED));
    expect(await tile('batch-decision-REVIEW_REQUIRED')).toBe(n(p.by_decision.REVIEW_REQUIRED));
    expect(await tile('batch-decision-REJECTED')).toBe(n(p.by_decision.REJECTED));
    expect(await tile('batch-exceptions-count')).toBe(n(p.exceptions));
    const bar = page.getByTestId('batch-bar');
    expect(await bar.getAttribute('aria-valuemax')).toBe(String(p.total));
    expect(await bar.getAttribute('aria-valuenow')).toBe(String(p.total - p.pending));
  };

  beforeAll(async () => {
    harness = await startHarness({ dataDirPrefix: 'spr-e2e-batches-' });
    ({ app, page, consoleErrors } = harness);
    await page.setViewportSize({ width: 1280, height: 800 });
    await seedBook(app);
    // An account the library cannot price (XYZ), following no model yet.
    await ok(app, 'saveAccount', {
      account_id: 'ACC-004',
      name: 'Odd lot',
      content: {
        cash: 100,
        positions: [
          { asset: 'XYZ', quantity: 1 },
          { asset: 'SPY', quantity: 3 },
        ],
      },
    });
    ws = new Workstation(page);
    await page.goto(app.url);
    await ws.ready();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('Models & accounts: the model with its assets and band, an accounts import, an assignment', async () => {
    await ws.id('nav-models').click();
    await ws.waitAttr('models-view', 'data-state', 'ready');
    const model = page.locator('[data-testid="model-row"][data-model="growth"]');
    await model.locator('[data-asset="AMZN"]').waitFor();
    expect(
      await model
        .locator('.model-target')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-asset'))),
    ).toEqual(GROWTH.targets.map((t) => t.asset));
    expect(await text('model-band', model)).toBe('±3.0%');
    expect(await text('library-count')).toBe('11');

    // The accounts file, with "growth" for the rows that name no model (ACC-003).
    await ws.id('book-kind-accounts').click();
    await ws.id('book-file').setInputFiles(ACCOUNTS_CSV);
    await ws.id('book-model').selectOption('growth');
    expect(await ws.afterSeq('book-import', () => ws.id('book-import-button').click())).toBe('ok');
    expect(await ws.attrs('book-account', 'data-action')).toEqual([
      'created',
      'created',
      'created',
    ]);

    const row = (id: string) => page.locator(`[data-testid="account-row"][data-account="${id}"]`);
    await row('ACC-001').waitFor();
    // Positions and cash as the engine stored them.
    const acc1 = await ok<{ content: { cash: number; positions: unknown[] } }>(app, 'getAccount', {
      account_id: 'ACC-001',
    });
    await page.waitForFunction(
      () =>
        document
          .querySelector('[data-account="ACC-001"] [data-testid="account-positions"]')
          ?.textContent?.trim() === '3',
    );
    expect(await text('account-positions', row('ACC-001'))).toBe(
      String(acc1.content.positions.length),
    );
    expect(await text('account-cash', row('ACC-001'))).toBe('$2,500.00');
    expect(await row('ACC-003').getAttribute('data-model')).toBe('growth');
    expect(await row('ACC-004').getAttribute('data-model')).toBe('');

    // ACC-004 assigned to growth in place: a new account version following it.
    await row('ACC-004').getByTestId('account-model').selectOption('growth');
    await page
      .locator('[data-testid="account-row"][data-account="ACC-004"][data-model="growth"]')
      .waitFor();
    const acc4 = await ok<{ model_id: string; version: number }>(app, 'getAccount', {
      account_id: 'ACC-004',
    });
    expect(acc4).toMatchObject({ model_id: 'growth', version: 2 });
    expect(await text('model-accounts', model)).toBe('4');
    await page.screenshot({ path: `${SHOTS}/models-view.png` });
  });

  it('Batches: a batch started in the view runs to done, every count the engine’s', async () => {
    await ws.id('nav-batches').click();
    await ws.id('batches-view').waitFor();
    await ws.id('batch-model').selectOption('growth');
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid="batch-scope-all"]')
        ?.parentElement?.textContent?.includes('(4)'),
    );
    await ws.id('batch-history-days').fill('500');
    await ws.id('batch-start-button').click();
    const detail = ws.id('batch-detail');
    await detail.waitFor();
    batchId = (await detail.getAttribute('data-batch-id')) ?? '';
    expect(batchId).not.toBe('');
    await ws.waitAttr('batch-detail', 'data-status', 'done');

    const d = await ok<BatchDetail>(app, 'getBatch', { batch_id: batchId });
    expect(d.status).toBe('done');
    expect(d.settings?.history_days).toBe(500);
    // What this book gives: ACC-001 approved, ACC-002 and ACC-003 for review (bands still
    // breached), ACC-004 not built (XYZ has no history in the library).
    expect(d.progress).toMatchObject({
      total: 4,
      done: 3,
      failed: 1,
      cancelled: 0,
      pending: 0,
      by_decision: { APPROVED: 1, REVIEW_REQUIRED: 2, REJECTED: 0 },
    });
    await expectCountsOf(d);
    expect(await text('batch-announce')).toContain('Done: 3 saved, 1 failed');
    expect(await ws.id('batch-cancel').count()).toBe(0);

    // The exceptions, row for row as the engine lists them.
    const rows = page.getByTestId('batch-exception');
    expect(await rows.count()).toBe(d.exceptions.length);
    expect(
      await rows.evaluateAll((els) =>
        els.map((e) => [
          e.getAttribute('data-account'),
          e.getAttribute('data-reason'),
          e.getAttribute('data-run-id'),
        ]),
      ),
    ).toEqual(d.exceptions.map((e) => [e.account_id, e.reason, e.run_id ?? '']));
    const unbuilt = page.locator('[data-testid="batch-exception"][data-reason="unbuilt"]');
    expect(await unbuilt.innerText()).toContain('XYZ');
    expect(await unbuilt.getByTestId('batch-exception-run').count()).toBe(0);

    // Listed among the earlier batches with the same counts.
    const listed = page.locator(`[data-testid="batch-row"][data-batch-id="${batchId}"]`);
    await page
      .locator(`[data-testid="batch-row"][data-batch-id="${batchId}"][data-status="done"]`)
      .waitFor();
    expect(await listed.locator('td').allInnerTexts()).toEqual(
      expect.arrayContaining(['4', '3', '1']),
    );
    await page.screenshot({ path: `${SHOTS}/batches-done.png` });
  });

  it("an exception's run opens in Runs", async () => {
    const first = page
      .locator('[data-testid="batch-exception"][data-reason="REVIEW_REQUIRED"]')
      .first();
    const runId = (await first.getAttribute('data-run-id')) ?? '';
    expect(runId).toMatch(/^[0-9A-Z]{26}$/);
    await first.getByTestId('batch-exception-run').click();
    await ws.id('main-runs').waitFor();
    await ws.waitAttr('run-detail', 'data-state', 'ready');
    expect(await ws.id('run-detail').getAttribute('data-run-id')).toBe(runId);
    // Back in Batches, the batch is still the one shown (kept while another view was open).
    await ws.id('nav-batches').click();
    await ws.waitAttr('batch-detail', 'data-batch-id', batchId);
  });

  it('Cancel stops a running batch: the accounts not started are cancelled', async () => {
    await ok(app, 'saveModel', { model_id: 'slow', name: 'Slow', content: GROWTH });
    for (let i = 1; i <= SLOW_ACCOUNTS; i++) {
      await ok(app, 'saveAccount', {
        account_id: `S-${String(i).padStart(2, '0')}`,
        name: `Slow ${i}`,
        model_id: 'slow',
        content: {
          cash: 0,
          positions: [
            { asset: 'SPY', quantity: 10 + i },
            { asset: 'JPM', quantity: 20 },
          ],
        },
      });
    }
    // ~1 s per account on one pool thread: the batch runs for tens of seconds.
    const slow = await ok<BatchDetail>(app, 'createBatch', {
      model_id: 'slow',
      settings: { history_days: 756, monte_carlo: { paths: 25_000, horizon_days: 1_000 } },
    });
    await ws.id('batch-list-refresh').click();
    await page
      .locator(
        `[data-testid="batch-row"][data-batch-id="${slow.batch_id}"] [data-testid="batch-open"]`,
      )
      .click();
    await ws.waitAttr('batch-detail', 'data-batch-id', slow.batch_id);
    await ws.waitAttr('batch-detail', 'data-status', 'running');
    // Live: the bar moves while the view polls.
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector('[data-testid="batch-bar"]')?.getAttribute('aria-valuenow'),
        ) >= 1,
      undefined,
      { timeout: 60_000 },
    );
    // Polling stops when the view unmounts: no batch request while Runs is shown (the one wait
    // on time in this suite: an absence can only be watched for a while).
    const polls: string[] = [];
    const onRequest = (r: { url: () => string }) => {
      if (r.url().includes('/api/batches/')) polls.push(r.url());
    };
    await ws.id('nav-runs').click();
    await ws.id('main-runs').waitFor();
    page.on('request', onRequest);
    await page.waitForTimeout(1_500);
    page.off('request', onRequest);
    expect(polls).toEqual([]);
    // Back in Batches the same batch is followed again.
    await ws.id('nav-batches').click();
    await ws.waitAttr('batch-detail', 'data-batch-id', slow.batch_id);
    await ws.waitAttr('batch-detail', 'data-status', 'running');
    await ws.id('batch-cancel').click();
    await ws.waitAttr('batch-detail', 'data-status', 'cancelled');
    // The account computing when it was cancelled is still saved: followed until it lands.
    await page.waitForFunction(
      () =>
        document
          .querySelector('[data-testid="batch-announce"]')
          ?.textContent?.includes(' 0 pending'),
      undefined,
      { timeout: 60_000 },
    );
    const d = await ok<BatchDetail>(app, 'getBatch', { batch_id: slow.batch_id });
    expect(d.status).toBe('cancelled');
    expect(d.progress.pending).toBe(0);
    expect(d.progress.cancelled).toBeGreaterThan(0);
    expect(d.progress.done + d.progress.failed + d.progress.cancelled).toBe(SLOW_ACCOUNTS);
    await expectCountsOf(d);
    expect(await ws.id('batch-cancel').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/batches-cancelled.png` });
  });

  it('a batch of the ticked accounts only', async () => {
    await ws.id('batch-model').selectOption('growth');
    await ws.id('batch-scope-selected').check();
    expect(await ws.id('batch-start-button').isDisabled()).toBe(true);
    expect(await text('batch-start-why')).toBe('Tick at least one account.');
    await page.locator('[data-testid="batch-account-tick"][data-account="ACC-001"]').check();
    const before = await ws.id('batch-detail').getAttribute('data-batch-id');
    await ws.id('batch-start-button').click();
    await page
      .locator(`[data-testid="batch-detail"]:not([data-batch-id="${before}"])[data-status="done"]`)
      .waitFor();
    const id = (await ws.id('batch-detail').getAttribute('data-batch-id')) ?? '';
    const d = await ok<BatchDetail>(app, 'getBatch', { batch_id: id });
    expect(d.items.map((i) => i.account_id)).toEqual(['ACC-001']);
    await expectCountsOf(d);
    expect(await tile('batch-total')).toBe('1');
  });

  it('no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
