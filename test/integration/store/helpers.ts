import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SaveRunInput } from '../../../src/ports/store';

/** A fresh directory under the OS temp dir; removed by the returned cleanup. */
export function tempDir(prefix = 'store-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic PRNG (mulberry32) so random trials are reproducible from a printed seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/** A settable clock starting at `start` (ms); `tick` advances it. */
export function fakeClock(start = Date.UTC(2026, 0, 5, 9, 0, 0, 0)) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    tick: (ms = 1) => {
      t += ms;
    },
  };
}

export function runInput(over: Partial<SaveRunInput> = {}): SaveRunInput {
  return {
    kind: 'rebalance',
    status: 'succeeded',
    engine_version: '0.1.0',
    model_versions_json: '{"forecast":"1.0.0","risk":"1.0.0"}',
    input_json: '{"assets":[{"asset":"ETF","target_weight":1}],"portfolio_value":1000}',
    output_json: '{"trades":[]}',
    duration_ms: 12.5,
    ...over,
  };
}
