/**
 * Queue test fixtures: a synthetic model batch (accounts following one model, a price library of
 * real closes), its reference results computed here with `computeBatchItem`, and a sink that
 * records what an executor delivers.
 */
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { readSp500 } from '../../bench/data';
import { DEFAULT_POLICY_IN_FORCE } from '../../src/agents/registry';
import type { AccountContent, ModelContent } from '../../src/contract/models';
import type { SeriesContent } from '../../src/ports/models';
import { engineComputeEnv } from '../../src/queue/computeEnv';
import { resultKey } from '../../src/queue/keys';
import {
  computeBatchItem,
  type BatchItemResult,
  type BatchJob,
  type BatchShared,
  type BatchSink,
} from '../../src/services/batches/job';
import { withoutTimings } from '../../src/services/compute/replay';

const ROOT = join(import.meta.dirname, '../..');

export interface BatchSize {
  accounts: number;
  /** Assets of the model (real S&P 500 closes). */
  assets: number;
  /** Dates of history each account's request carries. */
  days: number;
  /** Monte Carlo paths of each request (horizon 21 days). */
  paths: number;
}

/**
 * A model batch of `size.accounts` accounts: each holds the model's assets in quantities that
 * differ by account; every 40th (`opts.unbuiltEvery`; 0: none) also holds `NOPE`, which the
 * library lacks, so its item is unbuilt (the exception path). Deterministic: the same arguments
 * give the same batch.
 */
export function syntheticBatch(
  batch_id: string,
  size: BatchSize,
  opts: { unbuiltEvery?: number } = {},
): { shared: BatchShared; jobs: BatchJob[] } {
  const unbuiltEvery = opts.unbuiltEvery ?? 40;
  const { dates, symbols, cols } = readSp500();
  const from = dates.length - size.days - 5;
  const library: Record<string, SeriesContent> = {};
  const targets: ModelContent['targets'] = [];
  for (let j = 0; j < size.assets; j++) {
    const sym = symbols[j] as string;
    library[sym] = { dates: dates.slice(from), closes: (cols[j] as number[]).slice(from) };
    targets.push({ asset: sym, asset_class: 'Stocks', target_weight: 1 / size.assets });
  }
  const model: ModelContent = {
    targets,
    drift_threshold: 0.02,
    turnover_limit: 0.5,
    transaction_cost_bps: 10,
  } as ModelContent;
  const jobs: BatchJob[] = Array.from({ length: size.accounts }, (_, i) => {
    const content: AccountContent = {
      currency: 'USD',
      cash: 1_000 * (i % 7),
      positions: targets.map((t, j) => ({
        asset: t.asset,
        asset_class: 'Stocks',
        quantity: 10 + ((i * 7 + j * 13) % 50),
        price: 1,
      })),
    };
    if (unbuiltEvery > 0 && i % unbuiltEvery === unbuiltEvery - 1)
      content.positions.push({ asset: 'NOPE', asset_class: 'Stocks', quantity: 1, price: 1 });
    return {
      key: `${batch_id}:${i}`,
      index: i,
      spec: { kind: 'account', account: { account_id: `acct_${i}`, content } },
    };
  });
  const shared: BatchShared = {
    batch_id,
    policy: DEFAULT_POLICY_IN_FORCE,
    model: { model_id: 'mdl_test', content: model },
    library,
    settings: {
      history_days: size.days,
      monte_carlo: {
        paths: size.paths,
        horizon_days: 21,
        seed: 7,
        method: 'gaussian',
        block_size: 5,
        rebalancing: 'constant_mix',
      },
    },
    pinned_now: '2026-01-02T00:00:00.000Z',
  };
  return { shared, jobs };
}

/** Each item computed here, one after the other, with the workers' compute environment. */
export async function referenceResults(
  shared: BatchShared,
  jobs: readonly BatchJob[],
): Promise<Map<string, BatchItemResult>> {
  const env = await engineComputeEnv(ROOT);
  const out = new Map<string, BatchItemResult>();
  for (const j of jobs) out.set(j.key, await computeBatchItem(j, shared, env));
  return out;
}

/**
 * What must be equal between two computations of one item: the stored texts byte for byte, the
 * output with its wall-clock timings blanked (agent step durations; the run clock is pinned).
 */
export function comparable(r: BatchItemResult): unknown {
  if (r.outcome === 'unbuilt') return r;
  const c = r.computed;
  return {
    key: r.key,
    status: c.status,
    input_json: c.input_json,
    input_hash: c.input_hash,
    output_json: JSON.stringify(withoutTimings(JSON.parse(c.output_json) as never)),
  };
}

export interface RecordingSink extends BatchSink {
  /** Every delivery in arrival order (a key may appear twice: at-least-once). */
  results: BatchItemResult[];
  /** Distinct keys delivered. */
  keys: Set<string>;
  troubles: (string | null)[];
  startedKeys: Set<string>;
}

/**
 * A sink that keeps everything it is given. `saves`: its `result` says the result was saved (a
 * resolved promise), as the batch runner does once it wrote the run, so an executor may free it.
 */
export function recordingSink(opts: { saves?: boolean } = {}): RecordingSink {
  const sink: RecordingSink = {
    results: [],
    keys: new Set(),
    troubles: [],
    startedKeys: new Set(),
    result(r) {
      sink.results.push(r);
      sink.keys.add(r.key);
      return opts.saves ? Promise.resolve() : undefined;
    },
    trouble(reason) {
      sink.troubles.push(reason);
    },
    started(key) {
      sink.startedKeys.add(key);
    },
  };
  return sink;
}

/** Polls `ok` every 20 ms until true; throws with `what` after `ms` (a generous bound). */
export async function waitFor(
  ok: () => boolean | Promise<boolean>,
  what: string,
  ms = 60_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The item results held in Redis (`resultKey`s), by SCAN. */
export function resultKeysIn(conn: Redis): Promise<string[]> {
  return keysIn(conn, resultKey('*'));
}

/** The keys matching `pattern` (SCAN MATCH), e.g. `textKey('b_1', '*')`. */
export async function keysIn(conn: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await conn.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    out.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return out;
}
