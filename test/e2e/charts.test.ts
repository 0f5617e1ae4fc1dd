/**
 * End-to-end: the charts of the workstation (browser mode, Debian's Chromium through
 * playwright-core, 1280×800). For a threshold run with price history and a benchmark, and for an
 * optimizer run, every chart is drawn (its canvas has coloured pixels and chart.js got data
 * points) and its table fallback shows the figures the API gives for the same run, fetched over
 * HTTP with the page's token. The Chart/Table toggle, the theme switch (charts redraw in the new
 * colours) and the fit at 1280×800 are checked too. The pure helpers run everywhere.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Result as AxeResult } from 'axe-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { RunFrontierResponse, RunPerformanceResponse } from '../../src/contract/analytics';
import type { RebalanceResponse } from '../../src/contract/rebalance';
import type { App } from '../../src/server/app';
import { periodEnds } from '../../renderer/shared/charts/sample';
import { type Harness, hasChromium, startHarness, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

warnIfNoChromium('the charts suite');

const RATE_SHOCK = '2022: the rate shock';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/**
 * A figure as the UI prints it, back to a number, with the half-unit of its last digit:
 * "12.34%" → {value: 12.34, tol: 0.005}; "-3.45 pp", "+1.20%", "-$398,866", "0.9830" likewise.
 * null for "—" or text that is not a number.
 */
function readFigure(text: string): { value: number; tol: number } | null {
  const t = text
    .trim()
    .replace(/\u2212/g, '-')
    .replace(/[%$,+]|\s*pp$/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  const decimals = t.includes('.') ? (t.split('.')[1]?.length ?? 0) : 0;
  return { value: Number(t), tol: 0.5 * 10 ** -decimals + 1e-9 };
}

/** Expects the cell text to show `x` × `scale` to the digits it prints (100 for % and pp). */
function expectShown(text: string, x: number | null, scale = 100): void {
  if (x === null) {
    expect(text.trim()).toBe('—');
    return;
  }
  const f = readFigure(text);
  expect(f, `"${text}" is not a number`).not.toBeNull();
  expect(Math.abs(f!.value - x * scale)).toBeLessThanOrEqual(f!.tol);
}

describe('chart helpers (pure)', () => {
  it('reads figures back with the precision shown', () => {
    expect(readFigure('12.34%')).toEqual({ value: 12.34, tol: 0.005 + 1e-9 });
    expect(readFigure('-3.45 pp')?.value).toBe(-3.45);
    expect(readFigure('+1.20%')?.value).toBe(1.2);
    expect(readFigure('-$398,866')).toEqual({ value: -398866, tol: 0.5 + 1e-9 });
    expect(readFigure('—')).toBeNull();
  });

  it('lists every day of a short history', () => {
    const dates = ['2024-01-02', '2024-01-03', '2024-01-04'];
    expect(periodEnds(dates, 10)).toEqual({ period: 'day', indices: [0, 1, 2] });
  });

  it('lists month ends of a long history, ending on the last date', () => {
    // Jan 30, Jan 31, Feb 1, Feb 28, Mar 1 → month ends at Jan 31 (1), Feb 28 (3), Mar 1 (4).
    const dates = ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-28', '2024-03-01'];
    expect(periodEnds(dates, 3)).toEqual({ period: 'month', indices: [1, 3, 4] });
  });

  it('falls back to quarter and year ends when month ends are too many', () => {
    const dates: string[] = [];
    for (let y = 2000; y < 2004; y++)
      for (let m = 1; m <= 12; m++) dates.push(`${y}-${String(m).padStart(2, '0')}-15`);
    // 48 months: 16 quarter ends, 4 year ends.
    const q = periodEnds(dates, 20);
    expect(q.period).toBe('quarter');
    expect(q.indices).toHaveLength(16);
    expect(dates[q.indices[0]!]).toBe('2000-03-15');
    const y = periodEnds(dates, 10);
    expect(y).toEqual({ period: 'year', indices: [11, 23, 35, 47] });
  });
});

describe.skipIf(!hasChromium)('charts in the workstation (Chromium, 1280×800)', () => {
  let app: App;
  let page: Page;
  let ws: Workstation;
  let consoleErrors: string[];
  let harness: Harness | undefined;

  /** GET on the local API with the page's token (the same HTTP API the UI uses). */
  async function api<T>(path: string): Promise<T> {
    const u = new URL(app.url);
    const token = u.searchParams.get('token') ?? '';
    const res = await fetch(new URL(path, u.origin), {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status, `GET ${path}`).toBe(200);
    return (await res.json()) as T;
  }

  /** The run on screen, as the API stores it. */
  async function shownRun(): Promise<{ runId: string; r: RebalanceResponse }> {
    const runId = (await ws.id('run-meta-id').innerText()).trim();
    expect(runId).toMatch(/^\w+$/);
    const detail = await api<{ output: RebalanceResponse }>(`/api/runs/${runId}`);
    return { runId, r: detail.output };
  }

  /** Cells of one table-fallback row, by column id. */
  async function cells(fig: Locator, key: string): Promise<Record<string, string>> {
    const row = fig.locator(`[data-testid$="-row"][data-key=${JSON.stringify(key)}]`);
    expect(await row.count(), `row ${key}`).toBe(1);
    return row.evaluate((tr) => {
      const out: Record<string, string> = {};
      tr.querySelectorAll('[data-col]').forEach((c) => {
        out[c.getAttribute('data-col') ?? ''] = (c.textContent ?? '').trim();
      });
      return out;
    });
  }

  /**
   * Waits for a chart to be drawn and returns what its canvas shows: chart.js data points
   * (`data-points`), the share of non-transparent pixels, distinct colours, and a hash of the
   * pixels (to tell a redraw in other colours).
   */
  async function drawn(fig: Locator) {
    const canvas = fig.locator('canvas');
    await canvas.waitFor({ state: 'visible' });
    const box = await canvas.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(200);
    expect(box?.height ?? 0).toBeGreaterThan(100);
    return canvas.evaluate((el: HTMLCanvasElement) => {
      const ctx = el.getContext('2d');
      const img = ctx!.getImageData(0, 0, el.width, el.height).data;
      let painted = 0;
      let hash = 0;
      const colours = new Set<number>();
      for (let i = 0; i < img.length; i += 4) {
        const a = img[i + 3]!;
        if (a === 0) continue;
        painted++;
        const c = (img[i]! << 16) | (img[i + 1]! << 8) | img[i + 2]!;
        if (colours.size < 64) colours.add(c);
        hash = (hash * 31 + c + i) | 0;
      }
      return {
        points: Number(el.dataset.points ?? 0),
        painted: painted / (el.width * el.height),
        colours: colours.size,
        hash,
        role: el.getAttribute('role'),
        label: el.getAttribute('aria-label') ?? '',
      };
    });
  }

  /** Every chart has an accessible name, is painted, and its table has one row per `rows`. */
  async function expectChart(testId: string, rows: number, points: number) {
    const fig = ws.id(testId);
    await fig.scrollIntoViewIfNeeded();
    const d = await drawn(fig);
    expect(d.role).toBe('img');
    expect(d.label.length).toBeGreaterThan(20);
    expect(d.points).toBe(points);
    expect(d.painted).toBeGreaterThan(0.01);
    expect(d.colours).toBeGreaterThanOrEqual(3);
    expect(await fig.getByTestId(`${testId}-row`).count()).toBe(rows);
    // The table is in the DOM for screen readers even while the chart is shown.
    expect(await fig.locator('table').count()).toBe(1);
    expect(await fig.locator('figcaption').innerText()).not.toBe('');
    return fig;
  }

  /** Charts fit the result area at 1280×800: none is wider than its box or the results. */
  async function expectFit(): Promise<void> {
    const over = await page.evaluate(() => {
      const out: string[] = [];
      const main = document.querySelector('[data-testid="results"]')?.getBoundingClientRect();
      document.querySelectorAll('figure.chart-fig').forEach((f) => {
        const r = f.getBoundingClientRect();
        const id = f.getAttribute('data-testid');
        if (f.scrollWidth > f.clientWidth + 1)
          out.push(`${id}: ${f.scrollWidth} > ${f.clientWidth}`);
        if (main && r.right > main.right + 1) out.push(`${id} ends at ${r.right} > ${main.right}`);
      });
      return out;
    });
    expect(over).toEqual([]);
  }

  /**
   * axe-core on the chart figures on screen only (the rest of the page is the accessibility
   * suite's), with the charts shown and then with every table shown: serious or critical
   * violations, one line each, and any shown table wider than its box.
   */
  async function chartProblems(): Promise<string[]> {
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
    const run = () =>
      page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (c: object, o: object) => unknown } }).axe;
        const r = (await axe.run(
          { include: Array.from(document.querySelectorAll('figure.chart-fig'), (f) => [f]) },
          { resultTypes: ['violations'] },
        )) as { violations: AxeResult[] };
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.map(String).join(' ')}`));
      });
    const out = await run();
    const toggles = page.locator('figure.chart-fig [data-testid="chart-table-toggle"]');
    const n = await toggles.count();
    for (let i = 0; i < n; i++) await toggles.nth(i).click();
    out.push(...(await run()));
    // Shown, each table fits its box at 1280×800 (a table beside a chart takes the whole row).
    out.push(
      ...(await page.evaluate(() =>
        Array.from(document.querySelectorAll('figure.chart-fig .chart-table'))
          .filter((w) => w.scrollWidth > w.clientWidth + 1)
          .map((w) => `overflow: ${w.querySelector('table')?.getAttribute('data-testid')}`),
      )),
    );
    for (let i = 0; i < n; i++) await toggles.nth(i).click();
    return out;
  }

  beforeAll(async () => {
    harness = await startHarness({ dataDirPrefix: 'spr-e2e-charts-' });
    ({ app, page, consoleErrors } = harness);
    ws = new Workstation(page);
    await ws.viewport(1280, 800);
    await page.goto(app.url);
    await ws.ready();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('threshold run with history: portfolio charts equal the API', async () => {
    await ws.pick(RATE_SHOCK);
    await ws.runOk();
    const { r } = await shownRun();
    const n = r.weights.length;
    await ws.tab('portfolio');

    const alloc = await expectChart('chart-allocation', n, 3 * n);
    for (const w of r.weights) {
      const c = await cells(alloc, w.asset);
      expect(c.asset).toBe(w.asset);
      expectShown(c.current!, w.current_weight);
      expectShown(c.target!, w.target_weight);
      expectShown(c.proposed!, w.proposed_weight);
    }

    const drift = await expectChart('chart-drift', n, 3 * n);
    for (const w of r.weights) {
      const c = await cells(drift, w.asset);
      expectShown(c.drift!, w.drift);
      expectShown(c.band_low!, w.band_lower - w.target_weight);
      expectShown(c.band_high!, w.band_upper - w.target_weight);
      expectShown(c.after!, w.proposed_weight - w.target_weight);
      expect(c.status).toBe(w.outside_band ? 'outside' : 'inside');
      expect(c.post).toBe(w.post_trade_band_status);
    }
    // The scenario has assets outside their band before the trades: drawn in the drift chart.
    expect(r.weights.some((w) => w.outside_band)).toBe(true);
    await expectFit();
    expect(await chartProblems()).toEqual([]);
  });

  it('the Table toggle shows the figures instead of the chart, and back', async () => {
    const fig = ws.id('chart-allocation');
    const toggle = fig.getByTestId('chart-table-toggle');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    // Hidden table: in the DOM (and the accessibility tree), its box clipped to 1 px.
    const hidden = await fig.locator('.chart-table').boundingBox();
    expect(hidden?.height ?? 0).toBeLessThanOrEqual(1);
    expect(await fig.locator('table tbody tr').count()).toBeGreaterThan(0);
    await toggle.click();
    expect(await fig.getAttribute('data-view')).toBe('table');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await fig.locator('table').isVisible()).toBe(true);
    expect((await fig.locator('table').boundingBox())?.height ?? 0).toBeGreaterThan(50);
    expect(await fig.locator('canvas').isVisible()).toBe(false);
    // Keyboard: the toggle is a button, Enter flips it back.
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await fig.getAttribute('data-view')).toBe('chart');
    const d = await drawn(fig);
    expect(d.painted).toBeGreaterThan(0.01);
  });

  it('charts redraw in the colours of the dark theme', async () => {
    const fig = ws.id('chart-allocation');
    const light = await drawn(fig);
    const before = await page.evaluate(() => document.documentElement.dataset.theme ?? '');
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'dark';
    });
    await expect.poll(async () => (await drawn(fig)).hash).not.toBe(light.hash);
    const dark = await drawn(fig);
    expect(dark.points).toBe(light.points);
    expect(dark.painted).toBeGreaterThan(0.01);
    await page.evaluate((t) => {
      if (t) document.documentElement.dataset.theme = t;
      else delete document.documentElement.dataset.theme;
    }, before);
    await expect.poll(async () => (await drawn(fig)).hash).toBe(light.hash);
  });

  it('risk tab: risk contribution, performance, drawdown and stress equal the API', async () => {
    const { runId, r } = await shownRun();
    await ws.tab('risk');
    const n = r.weights.length;

    const rc = await expectChart('chart-risk-contribution', n, 2 * n);
    expect(r.risk_contributions).toHaveLength(n);
    for (const c of r.risk_contributions) {
      const row = await cells(rc, c.asset);
      expect(c.current).not.toBeNull();
      expectShown(row.current!, c.current);
      expectShown(row.proposed!, c.proposed);
    }

    await ws.waitAttr('perf-section', 'data-state', 'ready');
    const perf = await api<RunPerformanceResponse>(`/api/runs/${runId}/performance`);
    expect(perf.series.map((s) => s.name)).toEqual(['current', 'proposed', 'benchmark']);
    const T = perf.dates.length;
    for (const s of perf.series) {
      const row = page.locator(`[data-testid="perf-summary-row"][data-series="${s.name}"]`);
      expectShown(await row.locator('[data-col="total_return"]').innerText(), s.total_return);
      expectShown(await row.locator('[data-col="max_drawdown"]').innerText(), s.max_drawdown);
    }
    // The proposed series is the risk metrics' portfolio: same maximum drawdown.
    expect(perf.series[1]!.max_drawdown).toBeCloseTo(r.proposed_risk_metrics.max_drawdown!, 12);

    // 253 dates → one row per date; the chart gets every date of every series.
    const cum = await expectChart('chart-performance', T, 3 * T);
    const dd = await expectChart('chart-drawdown', T, 3 * T);
    for (const i of [0, Math.floor(T / 2), T - 1]) {
      const date = perf.dates[i]!;
      const a = await cells(cum, date);
      const b = await cells(dd, date);
      expect(a.date).toBe(date);
      for (const s of perf.series) {
        expectShown(a[s.name]!, s.cumulative_return[i]!);
        expectShown(b[s.name]!, s.drawdown[i]!);
      }
    }

    const tests = r.stress_tests;
    expect(tests.length).toBeGreaterThan(0);
    const st = await expectChart('chart-stress', tests.length, 2 * tests.length);
    for (const s of tests) {
      const c = await cells(st, s.name);
      expectShown(c.current_pct!, s.current.pnl_pct);
      expectShown(c.proposed_pct!, s.proposed.pnl_pct);
      expectShown(c.proposed_pnl!, s.proposed.pnl, 1);
    }
    await expectFit();
    expect(await chartProblems()).toEqual([]);
  });

  it('Monte Carlo: fan and terminal-value histogram equal the API', async () => {
    const { r } = await shownRun();
    const mc = r.monte_carlo!;
    expect(mc).not.toBeNull();
    await ws.tab('montecarlo');
    const days = mc.bands.length;
    const fan = await expectChart('chart-mc-fan', days, 5 * days);
    // The canvas keeps the test id the workstation suite uses.
    expect(await fan.getByTestId('fan-chart').count()).toBe(1);
    const lastBand = mc.bands[days - 1]!;
    const c = await cells(fan, String(lastBand.day));
    expectShown(c.p5!, lastBand.p5, 1);
    expectShown(c.p50!, lastBand.p50, 1);
    expectShown(c.p95!, lastBand.p95, 1);

    const h = mc.terminal_histogram;
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(mc.paths);
    const hist = await expectChart('chart-mc-histogram', h.counts.length, h.counts.length);
    for (const k of [0, Math.floor(h.counts.length / 2), h.counts.length - 1]) {
      const row = await cells(hist, String(k));
      expectShown(row.from!, h.edges[k]!, 1);
      expectShown(row.to!, h.edges[k + 1]!, 1);
      expect(Number(row.paths!.replace(/,/g, ''))).toBe(h.counts[k]);
    }
    await expectFit();
    expect(await chartProblems()).toEqual([]);
  });

  it('optimizer run: efficient frontier with the markers equals the API', async () => {
    await ws.pick(RATE_SHOCK);
    await ws.id('method-select').selectOption('min_variance');
    await ws.runOk();
    const { runId, r } = await shownRun();
    expect(r.optimization).not.toBeNull();
    await ws.openTab('optimizer');
    await ws.waitAttr('frontier-section', 'data-state', 'ready');
    const f = await api<RunFrontierResponse>(`/api/runs/${runId}/frontier?points=25`);
    expect(f.points).toHaveLength(25);
    expect(f.markers.map((m) => m.name).sort()).toEqual(
      ['current', 'max_sharpe', 'min_variance', 'proposed', 'target'].sort(),
    );
    const fig = await expectChart(
      'chart-frontier',
      f.points.length + f.markers.length,
      f.points.length + f.markers.length,
    );
    for (const m of f.markers) {
      const c = await cells(fig, `marker-${m.name}`);
      expectShown(c.volatility!, m.volatility);
      expectShown(c.expected_return!, m.expected_return);
    }
    for (const i of [0, 12, 24]) {
      const c = await cells(fig, `point-${i}`);
      expectShown(c.volatility!, f.points[i]!.volatility);
      expectShown(c.expected_return!, f.points[i]!.expected_return);
    }
    // The engine's notes are shown as text.
    expect(await ws.id('frontier-notes').locator('li').count()).toBe(f.notes.length);
    await expectFit();
    expect(await chartProblems()).toEqual([]);
  });

  it('a run saved before the new fields: the charts say "not available", the rest still draws', async () => {
    const { runId } = await shownRun();
    // The stored run as an older engine wrote it: no risk_contributions, no histogram.
    const pattern = `**/api/runs/${runId}`;
    await page.route(pattern, async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { output: Record<string, unknown> };
      delete body.output.risk_contributions;
      const mc = body.output.monte_carlo as Record<string, unknown> | null;
      if (mc) delete mc.terminal_histogram;
      await route.fulfill({ response: res, json: body });
    });
    try {
      await ws.view('runs');
      await ws.runsReady();
      await ws.runRow(runId).click();
      const detail = page.locator(
        `[data-testid="run-detail"][data-run-id="${runId}"][data-state="ready"]`,
      );
      await detail.waitFor();
      await detail.getByTestId('tab-risk').click();
      expect(await detail.getByTestId('chart-risk-contribution-none').innerText()).toMatch(
        /not available for this run/,
      );
      expect(await detail.getByTestId('chart-risk-contribution').count()).toBe(0);
      // The performance series are computed by the engine from the stored input: still there.
      await detail
        .locator('[data-testid="perf-section"][data-state="ready"]')
        .waitFor({ timeout: 60_000 });
      expect((await drawn(detail.getByTestId('chart-performance'))).points).toBeGreaterThan(0);
      await detail.getByTestId('tab-montecarlo').click();
      expect(await detail.getByTestId('chart-mc-histogram-none').innerText()).toMatch(
        /not available for this run/,
      );
      expect((await drawn(detail.getByTestId('chart-mc-fan'))).points).toBeGreaterThan(0);
    } finally {
      await page.unroute(pattern);
      await ws.view('workstation');
    }
  });

  it('no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
