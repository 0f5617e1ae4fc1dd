import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { raw } from '../support/http';

const root = join(import.meta.dirname, '../..');
let child: ChildProcess | undefined;

let dataDir = '';

afterAll(() => {
  // npm → start.mjs → node: npm runs scripts in their own process group, so the server is
  // found by its unique data directory and stopped, so that no server outlives the test.
  const procs = existsSync('/proc') ? readdirSync('/proc') : [];
  for (const pid of procs.filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir))
        process.kill(Number(pid), 'SIGTERM');
    } catch {
      // the process ended meanwhile
    }
  }
  if (child?.exitCode === null) child.kill('SIGTERM');
});

describe('npm start -- --port 0 --data-dir DIR', () => {
  it('prints one line with the URL and token, stores the token, and serves the API', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'spr-start-'));
    // --browser: this test is about the command-line contract; the Electron shell is covered
    // by test/e2e/electron.test.ts where a binary exists.
    child = spawn(
      'npm',
      ['start', '--silent', '--', '--port', '0', '--data-dir', dataDir, '--browser'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, SPR_SKIP_ELECTRON: '1' },
      },
    );
    let out = '';
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no URL line; output so far:\n${out}`)),
        55_000,
      );
      const onData = (c: Buffer) => {
        out += c.toString();
        const m = /^.*http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}.*$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      child!.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
    });
    const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})/.exec(line)!;
    const port = Number(m[1]);
    const token = m[2]!;
    expect(port).toBeGreaterThan(0);
    expect(readFileSync(join(dataDir, 'api-token'), 'utf8').trim()).toBe(token);
    expect(out).toMatch(/browser mode/);
    const health = await raw(port, { path: '/api/health' });
    expect(health.status).toBe(200);
    const scen = await raw(port, {
      path: '/api/preview-scenarios',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(scen.status).toBe(200);
  });
});
