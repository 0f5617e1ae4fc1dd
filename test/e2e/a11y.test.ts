/**
 * End-to-end: axe-core on every main view of the workstation, in the light and the dark theme,
 * at 1280×800 (browser mode, Debian's Chromium driven by playwright-core, production build,
 * engine in-process with a fresh data directory per theme).
 *
 * The tour of test/e2e/tour.ts visits the workstation before a run, each result tab of the first
 * scenario's result, a drilled-into asset, each input mode (settings, holdings grid, JSON), an
 * optimizer result, Agents (and one scenario through all agents), Runs (list, a saved run, a
 * comparison), Import (form and a price import), Portfolios, Models & accounts (a model and the
 * price library saved, an accounts file imported), Batches (a batch run to done), Audit and
 * Policy; axe-core (injected from node_modules) runs on the whole document at each stop. Any
 * violation of impact "serious" or "critical" fails that stop's test and is printed as
 * `rule [impact] target: what to fix`. The dark theme follows the system: the colour scheme is
 * emulated before the page loads, and the app must mark <html data-theme="dark">.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Result as AxeResult } from 'axe-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBook } from './book';
import { type Harness, hasChromium, startHarness, warnIfNoChromium } from './harness';
import { freezeMotion, openApp, shownTheme, type Theme, tour } from './tour';

warnIfNoChromium('the accessibility suite');

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** Stops every build of the workstation has; a missing one fails the suite. */
const REQUIRED = [
  'workstation',
  'workstation-portfolio',
  'workstation-trades',
  'workstation-risk',
  'workstation-montecarlo',
  'workstation-houseview',
  'workstation-drilldown',
  'workstation-warnings',
  'workstation-agents',
  'workstation-optimizer',
  'workstation-inputs-settings',
  'workstation-inputs-holdings',
  'workstation-inputs-json',
  'agents',
  'runs',
  'run-detail',
  'compare',
  'import',
  'portfolios',
  'models',
  'batches',
  'audit',
  'policy',
] as const;

/** One failing element of one rule, as printed. */
interface Finding {
  rule: string;
  impact: string;
  target: string;
  summary: string;
}

/**
 * Runs axe-core on the whole page (injected once per document: `evaluate` is not subject to the
 * page's Content-Security-Policy, which forbids inline scripts) and returns the failing nodes
 * of every serious or critical violation.
 */
async function seriousViolations(page: Harness['page']): Promise<Finding[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => unknown } }).axe;
    const r = (await axe.run(document, { resultTypes: ['violations'] })) as {
      violations: AxeResult[];
    };
    return r.violations;
  });
  const out: Finding[] = [];
  for (const v of violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue;
    for (const n of v.nodes) {
      out.push({
        rule: v.id,
        impact: v.impact,
        target: n.target.map(String).join(' '),
        summary: `${v.help}. ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`,
      });
    }
  }
  return out;
}

const line = (f: Finding) => `${f.rule} [${f.impact}] ${f.target}: ${f.summary}`;

describe.skipIf(!hasChromium)('accessibility of the main views (axe-core, Chromium)', () => {
  for (const theme of ['light', 'dark'] as Theme[]) {
    describe(`${theme} theme`, () => {
      let harness: Harness | undefined;
      let shown: string | null = null;
      const found = new Map<string, Finding[]>();
      const warnings: string[] = [];

      beforeAll(async () => {
        harness = await startHarness({ dataDirPrefix: `spr-e2e-a11y-${theme}-` });
        const { page, context, app } = harness;
        await page.setViewportSize({ width: 1280, height: 800 });
        await freezeMotion(context);
        const ws = await openApp(page, app.url, theme);
        shown = await shownTheme(page);
        await tour(ws, {
          seed: () => seedBook(app),
          warn: (m) => warnings.push(m),
          visit: async (stop) => {
            const f = await seriousViolations(page);
            found.set(stop, f);
            for (const x of f) console.log(`[a11y ${theme}] ${stop}: ${line(x)}`);
          },
        });
        for (const w of warnings) console.warn(`[a11y ${theme}] ${w}`);
      }, 300_000);

      afterAll(async () => {
        await harness?.close();
      });

      it(`shows the ${theme} theme when the system asks for it`, () => {
        // Light is the default: no attribute or "light" are both right.
        if (theme === 'dark') expect(shown).toBe('dark');
        else expect(shown === null || shown === 'light').toBe(true);
      });

      it.each(REQUIRED)('%s: no serious or critical violation', (stop) => {
        const f = found.get(stop);
        expect(f, `the tour did not reach ${stop}: ${warnings.join('; ')}`).toBeDefined();
        expect(f?.map(line), `serious or critical axe violations at ${stop} (${theme})`).toEqual(
          [],
        );
      });

      it('every other view reached (new tabs, drilled-in asset, import result, Agents): no serious or critical violation', () => {
        const others = [...found].filter(([s]) => !(REQUIRED as readonly string[]).includes(s));
        const lines = others.flatMap(([s, f]) => f.map((x) => `${s}: ${line(x)}`));
        expect(lines, `serious or critical axe violations (${theme})`).toEqual([]);
      });
    });
  }
});
