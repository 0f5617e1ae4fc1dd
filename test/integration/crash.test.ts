/**
 * Crash suite: CRASH_CYCLES (default 30) times, the real server runs in a child process on the
 * same data directory, concurrent clients write (rebalances, portfolio saves, approvals), and
 * the child is SIGKILLed a random 50–600 ms after the cycle's first acknowledged run. With the
 * child dead, the database must pass `PRAGMA integrity_check` and hold every write whose 200
 * was received; the next child's `/api/audit/verify` must then answer ok.
 *
 * CRASH_SEED=<n> replays the same random choices (kill delays, request mix; which client draws
 * which still depends on timing); CRASH_SUMMARY=<file> writes the figures (kills, acknowledged
 * writes, time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { mulberry32 } from './store/helpers';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from '../../src/store';

const CYCLES = Number(process.env.CRASH_CYCLES ?? 30);
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CLIENTS = 6;
/** A child that does not listen, or acknowledges no run, within this long is a failure. */
const STALL_MS = 60_000;

const root = join(import.meta.dirname, '../..');
const scenarios = (
  JSON.parse(readFileSync(join(root, 'resources/scenarios.json'), 'utf8')) as {
    scenarios: { request: Record<string, unknown> }[];
  }
).scenarios.map((s) => s.request);
// The two seed scenarios: six assets, no price history, the cheapest complete rebalances.
const bodies = scenarios.slice(0, 2);

const random = mulberry32(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

interface Child {
  proc: ChildProcess;
  port: number;
  token: string;
  stderr: () => string;
}

let current: ChildProcess | null = null;

/** Starts the server in a child process on `dir` and waits for its `{port, token}` line. */
function startChild(dir: string): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'test/support/crash-child.ts'), dir],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    current = proc;
    let err = '';
    let out = '';
    proc.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    const timer = setTimeout(
      () => reject(new Error(`child not listening after ${STALL_MS} ms`)),
      STALL_MS,
    );
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0] as string;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      const info = JSON.parse(line) as { port: number; token: string };
      resolve({ proc, ...info, stderr: () => err });
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before listening: ${err}`));
    });
  });
}

/** SIGKILL, then wait until the process is gone (its lock on the database with it). */
async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await gone;
}

/** One request; rejects when the connection dies (the child was killed mid-request). */
function call(
  c: Child,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: c.port,
        method,
        path,
        agent: false,
        headers: {
          Authorization: `Bearer ${c.token}`,
          ...(text === undefined
            ? {}
            : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (x: Buffer) => chunks.push(x));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | null = null;
          try {
            json = JSON.parse(raw) as Record<string, unknown>;
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** Writes whose 200 arrived: they must survive every crash. */
interface Acknowledged {
  runs: Set<string>;
  /** `portfolio_id@version` */
  portfolioVersions: Set<string>;
  decisions: Set<string>;
}

/** What the database holds, read with the child dead. Fails on a damaged file. */
function readDatabase(dir: string): { integrity: string; ack: Acknowledged } {
  const db = new Database(join(dir, DB_FILE_NAME), { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    const col = (sql: string) => (db.prepare(sql).pluck().all() as string[]).map(String);
    return {
      integrity,
      ack: {
        runs: new Set(col('SELECT run_id FROM runs')),
        portfolioVersions: new Set(
          col("SELECT portfolio_id || '@' || version FROM portfolio_versions"),
        ),
        decisions: new Set(col('SELECT run_id FROM run_decisions')),
      },
    };
  } finally {
    db.close();
  }
}

/**
 * CLIENTS loops of writes until `stop()`: mostly rebalances, some portfolio saves (new ones and
 * new versions), and approvals of acknowledged runs. `firstWrite` / `firstRun` resolve on the
 * first acknowledged write of any kind / the first acknowledged run.
 */
function load(c: Child, ack: Acknowledged) {
  let stopped = false;
  let onFirstRun: () => void = () => {};
  let onFirstWrite: () => void = () => {};
  const firstRun = new Promise<void>((r) => (onFirstRun = r));
  const firstWrite = new Promise<void>((r) => (onFirstWrite = r));
  const statuses = new Map<number, number>();
  const portfolios: string[] = [...ack.portfolioVersions].map((p) => p.split('@')[0] as string);
  const undecided = () => [...ack.runs].filter((r) => !ack.decisions.has(r));

  /** One write; returns its status (rejects when the child dies under it). */
  const once = async (): Promise<number> => {
    const roll = random();
    const open = undecided();
    if (roll < 0.15 && open.length > 0) {
      const run_id = pick(open);
      const r = await call(c, 'POST', `/api/runs/${run_id}/approve`, { note: 'crash suite' });
      if (r.status === 200) ack.decisions.add(run_id);
      return r.status;
    }
    if (roll < 0.4) {
      const existing = portfolios.length > 0 && random() < 0.5 ? pick(portfolios) : undefined;
      const r = await call(c, 'POST', '/api/portfolios', {
        name: 'Crash suite',
        ...(existing ? { portfolio_id: existing } : {}),
        content: pick(bodies),
      });
      if (r.status === 200 && r.json) {
        const id = String(r.json.portfolio_id);
        ack.portfolioVersions.add(`${id}@${String(r.json.version)}`);
        portfolios.push(id);
      }
      return r.status;
    }
    const r = await call(c, 'POST', '/api/rebalance', pick(bodies));
    if (r.status === 200 && r.json) {
      ack.runs.add(String(r.json.run_id));
      onFirstRun();
    }
    return r.status;
  };
  const client = async () => {
    while (!stopped) {
      const status = await once().catch(() => 0);
      if (status === 0) continue;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 200) onFirstWrite();
      // A full compute pool answers 429: back off as Retry-After asks, in miniature.
      if (status === 429) await new Promise((r) => setTimeout(r, 100));
    }
  };
  const done = Promise.all(Array.from({ length: CLIENTS }, client));
  return {
    firstRun,
    firstWrite,
    statuses,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

const mean = (xs: number[]) => Math.round(xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length));

const missing = (acked: Set<string>, stored: Set<string>) =>
  [...acked].filter((x) => !stored.has(x));

afterAll(async () => {
  if (current) await kill(current);
});

describe('crash: SIGKILL during writes', () => {
  it(`loses no acknowledged write over ${CYCLES} kills; integrity and verify ok after each`, async () => {
    const started = performance.now();
    const dir = mkdtempSync(join(tmpdir(), 'spr-crash-'));
    const ack: Acknowledged = {
      runs: new Set(),
      portfolioVersions: new Set(),
      decisions: new Set(),
    };
    const statuses = new Map<number, number>();
    const ms = { cycle: [] as number[], start: [] as number[], firstRun: [] as number[] };
    for (let cycle = 0; cycle <= CYCLES; cycle++) {
      const t0 = performance.now();
      const where = `seed ${SEED}, cycle ${cycle}`;
      const child = await startChild(dir);
      ms.start.push(performance.now() - t0);
      if (cycle > 0) {
        const v = await call(child, 'GET', '/api/audit/verify');
        expect(v.status, `${where}: verify status`).toBe(200);
        expect(v.json?.ok, `${where}: verify ${JSON.stringify(v.json)}`).toBe(true);
      }
      if (cycle === CYCLES) {
        await kill(child.proc);
        break;
      }
      // Half the kills come while the compute threads are still starting (rebalances queued,
      // portfolio saves and approvals committing), half just after runs start being
      // acknowledged: SIGKILL a random 50–600 ms after the cycle's first write or first run.
      const loadStart = performance.now();
      const writes = load(child, ack);
      const afterRun = random() < 0.5;
      const stall = new Promise<'stall'>((r) => setTimeout(() => r('stall'), STALL_MS).unref());
      const awaited = afterRun ? writes.firstRun : writes.firstWrite;
      const first = await Promise.race([awaited.then(() => 'ok' as const), stall]);
      if (first === 'stall') {
        await kill(child.proc);
        await writes.stop();
        throw new Error(`${where}: nothing acknowledged in ${STALL_MS} ms; ${child.stderr()}`);
      }
      if (afterRun) ms.firstRun.push(performance.now() - loadStart);
      await new Promise((r) => setTimeout(r, 50 + random() * 550));
      await kill(child.proc);
      await writes.stop();
      for (const [s, n] of writes.statuses) statuses.set(s, (statuses.get(s) ?? 0) + n);

      const stored = readDatabase(dir);
      expect(stored.integrity, `${where}: integrity_check`).toBe('ok');
      expect(missing(ack.runs, stored.ack.runs), `${where}: runs lost`).toEqual([]);
      expect(
        missing(ack.portfolioVersions, stored.ack.portfolioVersions),
        `${where}: portfolio versions lost`,
      ).toEqual([]);
      expect(missing(ack.decisions, stored.ack.decisions), `${where}: decisions lost`).toEqual([]);
      ms.cycle.push(performance.now() - t0);
    }
    expect(ack.runs.size, 'runs acknowledged over all cycles').toBeGreaterThan(0);
    // No server error under load: a 5xx during writes is a finding of its own.
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    if (process.env.CRASH_SUMMARY) {
      const summary = {
        seed: SEED,
        kills: ms.cycle.length,
        acknowledged: {
          runs: ack.runs.size,
          portfolio_versions: ack.portfolioVersions.size,
          decisions: ack.decisions.size,
        },
        statuses: Object.fromEntries(statuses),
        mean_ms: {
          cycle: mean(ms.cycle),
          child_start: mean(ms.start),
          first_run: mean(ms.firstRun),
        },
        total_s: Number(((performance.now() - started) / 1000).toFixed(1)),
      };
      writeFileSync(process.env.CRASH_SUMMARY, `${JSON.stringify(summary, null, 2)}\n`);
    }
  }, 600_000);
});
