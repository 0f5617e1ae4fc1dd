/**
 * The threshold decision (src/optimize/bands.ts, rules B1–B6 of docs/methods.md), on the
 * hand-worked cases of the docs: the seed's Risk-On Rally in both modes, the trigger, cash flows,
 * restrictions and the cash buffer.
 */
import { describe, expect, it } from 'vitest';
import { decideBands, type BandDecisionInput } from '../../../src/optimize/bands';

const f = (xs: number[]) => Float64Array.from(xs);
// The seed's Risk-On Rally (docs/methods.md, "Deciding").
const riskOn = {
  current: f([0.21, 0.19, 0.23, 0.09, 0.08, 0.2]),
  target: f([0.25, 0.2, 0.2, 0.1, 0.1, 0.15]),
};

function decide(over: Partial<BandDecisionInput>) {
  return decideBands({
    ...riskOn,
    currentCash: 0,
    cashTarget: 0,
    costReserve: 0,
    halfWidth: 0.02,
    rebalanceTo: 'target',
    fixed: new Uint8Array(6),
    flowSign: 0,
    ...over,
  });
}

const close = (a: ArrayLike<number>, b: number[]) =>
  b.forEach((x, i) => expect(a[i] as number).toBeCloseTo(x, 14));

describe('decideBands (threshold rule)', () => {
  it('band_edge: breaching assets to their nearest edge, R = +0.02 level-filled (λ = −0.01)', () => {
    const d = decide({ rebalanceTo: 'band_edge' });
    expect(d.triggered).toBe(true);
    expect(d.position).toEqual(['below', 'inside', 'above', 'inside', 'inside', 'above']);
    close(d.weights, [0.24, 0.19, 0.22, 0.09, 0.09, 0.17]);
    expect(d.role).toEqual(['breach', 'none', 'breach', 'none', 'absorb', 'breach']);
    // One-way turnover 0.04 = max(P = 0.02, N = 0.04).
    let t = 0;
    for (let i = 0; i < 6; i++)
      t += Math.abs((d.weights[i] as number) - (riskOn.current[i] as number));
    expect(t / 2).toBeCloseTo(0.04, 14);
  });

  it('target: breaching assets to target, R = +0.04 over ETF, Commodity and FX → all at target', () => {
    const d = decide({});
    close(d.weights, [0.25, 0.2, 0.2, 0.1, 0.1, 0.15]);
    expect(d.role).toEqual(['breach', 'absorb', 'breach', 'absorb', 'absorb', 'breach']);
    expect(d.cashAfter).toBeCloseTo(0, 14);
  });

  it('full: every asset to target', () => {
    close(decide({ rebalanceTo: 'full' }).weights, [0.25, 0.2, 0.2, 0.1, 0.1, 0.15]);
  });

  it('B1: nothing outside, no flow, cash within h of the buffer → no trade', () => {
    const d = decide({ current: f([0.24, 0.2, 0.2, 0.1, 0.1, 0.15]), currentCash: 0.01 });
    expect(d.triggered).toBe(false);
    expect(Array.from(d.weights)).toEqual([0.24, 0.2, 0.2, 0.1, 0.1, 0.15]);
    // Cash 0.03 away from the buffer (h = 0.02) triggers: it is invested toward the targets.
    const e = decide({ current: f([0.22, 0.2, 0.2, 0.1, 0.1, 0.15]), currentCash: 0.03 });
    expect(e.triggered).toBe(true);
    close(e.weights, [0.25, 0.2, 0.2, 0.1, 0.1, 0.15]);
  });

  it('B5: a contribution too small for every buy to target stops the buys short, sells nothing', () => {
    // After the flow: c' sums to 0.91 (cash 0.09). Mutual Fund (0.19) and FX (0.06) are below
    // their bands, Crypto (0.16) inside but above its 0.15 target. Bases: 0.25, 0.10 → Σ = 1.01,
    // R = −0.01.
    const current = f([0.19, 0.2, 0.2, 0.1, 0.06, 0.16]);
    // Contribution: the below-band buys are lowered together from target (λ = −0.005).
    const d = decide({ current, currentCash: 0.09, flowSign: 1 });
    close(d.weights, [0.245, 0.2, 0.2, 0.1, 0.095, 0.16]);
    expect(d.role).toEqual(['breach', 'none', 'none', 'none', 'breach', 'none']);
    // Same book, no flow: the in-band asset furthest above target (Crypto) is sold instead.
    const e = decide({ current, currentCash: 0.09, flowSign: 0 });
    close(e.weights, [0.25, 0.2, 0.2, 0.1, 0.1, 0.15]);
    expect(e.role[5]).toBe('absorb');
    // A contribution too small even for the lower edges: c' sums to 0.96 (cash 0.04); buys to
    // target need 0.06 + 0.04, to the edges 0.04 + 0.02 = 0.06 > 0.04. The buys stop at the edges
    // (R' = −0.02) and the rest comes from the in-band assets most above target: Stocks,
    // Commodity and Crypto (each 0.02 over) fall together by 0.02 / 3.
    const c2 = f([0.19, 0.2, 0.22, 0.12, 0.06, 0.17]);
    const g = decide({ current: c2, currentCash: 0.04, flowSign: 1 });
    close(g.weights, [0.23, 0.2, 0.22 - 0.02 / 3, 0.12 - 0.02 / 3, 0.08, 0.17 - 0.02 / 3]);
  });

  it('restricted assets keep their weight; the others absorb around them', () => {
    const fixed = Uint8Array.from([0, 0, 0, 0, 0, 1]); // Crypto restricted (above its band)
    const d = decide({ fixed });
    expect(d.weights[5]).toBe(0.2);
    expect(d.role[5]).toBe('fixed');
    // The rest must sum to 0.80; Mutual Fund to 0.25, Stocks to 0.20: R = 0.80 − 0.72 = … lowered
    let s = 0;
    for (let i = 0; i < 6; i++) s += d.weights[i] as number;
    expect(s).toBeCloseTo(1, 14);
    for (let i = 0; i < 5; i++) {
      expect(d.weights[i] as number).toBeGreaterThanOrEqual((d.lower[i] as number) - 1e-12);
      expect(d.weights[i] as number).toBeLessThanOrEqual((d.upper[i] as number) + 1e-12);
    }
  });

  it('B6: restrictions that make the bands impossible leave cash unplaced', () => {
    // Crypto restricted at 0.60 with a 0.15 target: the others cannot take −0.45 within bands.
    const current = f([0.1, 0.1, 0.1, 0.05, 0.05, 0.6]);
    const d = decide({ current, fixed: Uint8Array.from([0, 0, 0, 0, 0, 1]) });
    expect(d.unplaced).toBeLessThan(0);
    expect(d.weights[0]).toBeCloseTo(0.23, 14); // lowest any may go is its lower edge
  });

  it('a cash buffer is honoured: Σ w = 1 − b', () => {
    const target = f([0.25, 0.2, 0.2, 0.1, 0.1, 0.15].map((x) => x * 0.95));
    const d = decide({ target, cashTarget: 0.05 });
    let s = 0;
    for (const w of d.weights) s += w;
    expect(s).toBeCloseTo(0.95, 14);
  });
});
