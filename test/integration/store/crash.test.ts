import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE_NAME, createStore } from '../../../src/store';
import { mulberry32, randInt, tempDir } from './helpers';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const WRITER = path.join(HERE, 'fixtures', 'crash-writer.ts');
const KILLS = 110;

interface Cycle {
  acked: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/**
 * One cycle: start the writer, let it write for a random 30–150 ms after it is ready (or, one
 * time in five, kill it at a random moment of its start-up, which includes opening and
 * recovering the database), then SIGKILL. Only complete stdout lines count as acknowledged.
 */
function cycle(dir: string, rand: () => number): Promise<Cycle> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, '20000'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    const duringStartup = rand() < 0.2;
    if (duringStartup) timer = setTimeout(kill, randInt(rand, 0, 400));
    const writeMs = randInt(rand, 30, 150);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (!duringStartup && timer === undefined && (out + chunk).includes('ready\n')) {
        timer = setTimeout(kill, writeMs);
      }
      out += chunk;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = out.split('\n');
      lines.pop(); // an unterminated last line was not fully acknowledged
      resolve({ acked: lines.filter((l) => l !== 'ready'), signal, code, stderr });
    });
  });
}

const t = tempDir('store-crash-');
afterAll(() => t.cleanup());

describe('crash safety', () => {
  it(`no acknowledged run is lost across ${KILLS} SIGKILLs; integrity and chain verify`, async () => {
    const rand = mulberry32(424242);
    const acked: string[] = [];
    let killedWhileWriting = 0;
    for (let k = 0; k < KILLS; k++) {
      const c = await cycle(t.dir, rand);
      // The writer must die by our SIGKILL, never by an error of its own.
      expect({ signal: c.signal, code: c.code, stderr: c.stderr }).toEqual({
        signal: 'SIGKILL',
        code: null,
        stderr: '',
      });
      if (c.acked.length > 0) killedWhileWriting++;
      acked.push(...c.acked);
    }
    expect(killedWhileWriting).toBeGreaterThanOrEqual(60);
    expect(new Set(acked).size).toBe(acked.length);

    const store = createStore({ dir: t.dir });
    try {
      const missing = acked.filter((id) => store.runs.get(id) === null);
      expect(missing).toEqual([]);
      const v = store.audit.verify();
      expect(v).toMatchObject({ ok: true, first_bad_seq: null, reason: null });
    } finally {
      store.close();
    }
    const db = new Database(path.join(t.dir, DB_FILE_NAME), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const orphans = db
        .prepare(
          `SELECT count(*) FROM runs r WHERE NOT EXISTS (SELECT 1 FROM audit_events e
             WHERE e.action = 'run.created' AND e.subject = r.run_id)`,
        )
        .pluck()
        .get();
      expect(orphans).toBe(0);
      // Parts left by a large save the kill cut short were swept at the open above.
      const strayParts = db
        .prepare(
          `SELECT count(*) FROM run_text_parts p WHERE NOT EXISTS
             (SELECT 1 FROM runs r WHERE r.text_id = p.text_id)`,
        )
        .pluck()
        .get();
      expect(strayParts).toBe(0);
      const large = db.prepare('SELECT count(*) FROM runs WHERE text_id IS NOT NULL').pluck().get();
      expect(large).toBeGreaterThan(0);
      const events = db
        .prepare("SELECT count(*) FROM audit_events WHERE action = 'run.created'")
        .pluck()
        .get() as number;
      const runs = db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
      expect(events).toBe(runs);
      expect(runs).toBeGreaterThanOrEqual(acked.length);
      console.log(
        `[crash] ${KILLS} kills, ${killedWhileWriting} while writing; ${acked.length} acknowledged runs, ${runs} stored`,
      );
    } finally {
      db.close();
    }
  }, 180_000);
});
