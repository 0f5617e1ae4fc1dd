/**
 * The checked rephrasing (src/copilot/rephrase.ts) with in-process ports: a faithful rephrasing is
 * kept, an invented number rejects it, a failing or empty port falls back to the deterministic
 * narrative; and the insights assembly around it.
 */
import { describe, expect, it } from 'vitest';
import { CopilotInsights } from '../../../src/contract/copilot';
import { writeBrief } from '../../../src/copilot/brief';
import { numbersOfRun } from '../../../src/copilot/numbers';
import { copilotInsights, rephraseChecked, type RephrasePort } from '../../../src/copilot/rephrase';
import { scenarioRun } from './scenarioRuns';

const port = (f: (text: string) => Promise<string> | string): RephrasePort => ({
  rephrase: async (text) => f(text),
});

/** Rewords the template without touching a number. */
const faithful = (text: string) =>
  text
    .replace('Decision:', 'The supervisor’s decision is')
    .replace('Largest trades:', 'The biggest trades are to')
    .replace('Risk:', 'On risk,');

describe('rephraseChecked', () => {
  it('keeps a faithful rephrasing', async () => {
    const out = await scenarioRun('Autumn 2008');
    const brief = writeBrief(out);
    const r = await rephraseChecked(brief, port(faithful), numbersOfRun(out));
    expect(r).toEqual({ narrative: faithful(brief.narrative), rephrased: true, warnings: [] });
    expect(r.narrative).not.toBe(brief.narrative);
  });

  it('rejects a rephrasing with an invented number and names it', async () => {
    const out = await scenarioRun('Autumn 2008');
    const brief = writeBrief(out);
    const r = await rephraseChecked(
      brief,
      port((t) => `${faithful(t)} Expect volatility 99.99% next year.`),
      numbersOfRun(out),
    );
    expect(r.narrative).toBe(brief.narrative);
    expect(r.rephrased).toBe(false);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]?.code).toBe('COPILOT_REPHRASE_REJECTED');
    expect(r.warnings[0]?.message).toContain('99.99');
  });

  it('rejects a rounded figure that changes a number', async () => {
    const out = await scenarioRun('Autumn 2008');
    const brief = writeBrief(out);
    // 36.44% → 36.5%: not a rounding of any figure of the run at 1 decimal.
    const r = await rephraseChecked(
      brief,
      port((t) => t.replace('36.44%', '36.5%')),
      numbersOfRun(out),
    );
    expect(brief.narrative).toContain('36.44%');
    expect(r.warnings.map((w) => w.code)).toEqual(['COPILOT_REPHRASE_REJECTED']);
  });

  it('falls back with COPILOT_REPHRASE_FAILED when the port fails or answers nothing', async () => {
    const out = await scenarioRun('Risk-Off');
    const brief = writeBrief(out);
    const set = numbersOfRun(out);
    for (const p of [
      port(() => Promise.reject(new Error('connection refused'))),
      port(() => {
        throw new Error('boom');
      }),
      port(() => '   '),
    ]) {
      const r = await rephraseChecked(brief, p, set);
      expect(r.narrative).toBe(brief.narrative);
      expect(r.rephrased).toBe(false);
      expect(r.warnings.map((w) => w.code)).toEqual(['COPILOT_REPHRASE_FAILED']);
    }
  });
});

describe('copilotInsights', () => {
  it('is the deterministic brief when rephrasing is not asked', async () => {
    const out = await scenarioRun('Risk-On');
    const calls: string[] = [];
    const ins = await copilotInsights(out, {
      rephrase: false,
      port: port((t) => {
        calls.push(t);
        return t;
      }),
    });
    expect(calls).toEqual([]);
    expect(ins).toEqual({ ...writeBrief(out), rephrased: false, warnings: [] });
    expect(() => CopilotInsights.parse(ins)).not.toThrow();
  });

  it('warns when rephrasing is asked but no model is configured', async () => {
    const out = await scenarioRun('Risk-On');
    const ins = await copilotInsights(out, { rephrase: true, port: null });
    expect(ins.rephrased).toBe(false);
    expect(ins.warnings.map((w) => w.code)).toEqual(['COPILOT_REPHRASE_NOT_CONFIGURED']);
  });

  it('uses the checked rephrasing when asked and configured', async () => {
    const out = await scenarioRun('2022');
    const ins = await copilotInsights(out, { rephrase: true, port: port(faithful) });
    expect(ins.rephrased).toBe(true);
    expect(ins.narrative).toBe(faithful(writeBrief(out).narrative));
    expect(() => CopilotInsights.parse(ins)).not.toThrow();
  });
});
