/**
 * GET /api/batches/{batch_id}/events (issue #13, item 2): a batch's progress streamed to scripts
 * as server-sent events. The stream opens with `retry:` and the batch's state, shows every change
 * as a `progress` event with ids counting from 1, and ends with one `end` event equal to what
 * GET /api/batches/{batch_id} then answers; bad requests get the JSON error of every route.
 */
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchEvent, type BatchDetail } from '../../src/contract/batches';
import { startApp, type App } from '../../src/server/app';
import { eventOf } from '../../src/server/http/batchEvents';
import { seedBook } from '../support/batches';
import { json, raw } from '../support/http';

let app: App;
// 50,000 Monte Carlo paths: 150 items take several seconds on one thread, so the stream (read
// every 0.5 s) sees the batch part-done even on a machine several times faster than this one.
const SETTINGS = { history_days: 250, monte_carlo: { paths: 50_000, seed: 7 } };
const auth = () => ({ Authorization: `Bearer ${app.token}` });

interface Sse {
  retry: string | null;
  events: { event: string; id: string | null; data: string }[];
  comments: number;
}

/** Parses a whole event stream (the fields this server writes). */
function parseSse(text: string): Sse {
  const out: Sse = { retry: null, events: [], comments: 0 };
  for (const block of text.split('\n\n')) {
    if (block === '') continue;
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) out.comments++;
      else {
        const at = line.indexOf(': ');
        fields.set(line.slice(0, at), line.slice(at + 2));
      }
    }
    if (fields.has('retry')) out.retry = fields.get('retry') ?? null;
    if (fields.has('event'))
      out.events.push({
        event: fields.get('event') as string,
        id: fields.get('id') ?? null,
        data: fields.get('data') ?? '',
      });
  }
  return out;
}

async function createBatch(account_ids: string[]): Promise<BatchDetail> {
  const r = await raw(app.server.port, {
    method: 'POST',
    path: '/api/batches',
    ...json(app.token, { model_id: 'growth', account_ids, settings: SETTINGS }),
  });
  expect(r.status).toBe(200);
  return JSON.parse(r.body) as BatchDetail;
}

const detail = async (id: string) =>
  JSON.parse(
    (await raw(app.server.port, { path: `/api/batches/${id}`, headers: auth() })).body,
  ) as BatchDetail;

let ids: string[];
beforeAll(async () => {
  app = await startApp({
    dataDir: mkdtempSync(join(tmpdir(), 'spr-batch-events-')),
    port: 0,
    threads: 1,
  });
  ids = seedBook(app.store, 170);
}, 60_000);
afterAll(async () => {
  await app?.close();
});

describe('GET /api/batches/{batch_id}/events', () => {
  it('streams each change of a running batch, then its end, equal to a poll after it', async () => {
    const b = await createBatch(ids.slice(0, 150));
    const r = await raw(app.server.port, {
      path: `/api/batches/${b.batch_id}/events`,
      headers: auth(),
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    const sse = parseSse(r.body);
    expect(sse.retry).toBe('2000');
    const kinds = sse.events.map((e) => e.event);
    expect(kinds.at(-1)).toBe('end');
    expect(kinds.slice(0, -1).every((k) => k === 'progress')).toBe(true);
    // Changes were seen while the batch ran.
    expect(kinds.length).toBeGreaterThanOrEqual(3);
    expect(sse.events.map((e) => e.id)).toEqual(sse.events.map((_, i) => String(i + 1)));
    const data = sse.events.map((e) => BatchEvent.parse(JSON.parse(e.data)));
    // No two progress events alike; the count of finished items never goes back.
    const progress = sse.events.filter((e) => e.event === 'progress').map((e) => e.data);
    expect(new Set(progress).size).toBe(progress.length);
    const finished = data.map((d) => d.progress.done + d.progress.failed + d.progress.cancelled);
    expect(finished).toEqual([...finished].sort((x, y) => x - y));
    expect(finished.some((n) => n > 0 && n < 150)).toBe(true);
    const end = data.at(-1) as BatchEvent;
    expect(end).toMatchObject({ batch_id: b.batch_id, status: 'done' });
    expect(end.progress.pending).toBe(0);
    // The last progress event and the end carry the final state, as a poll now reads it.
    expect(sse.events.at(-2)?.data).toBe(sse.events.at(-1)?.data);
    expect(end).toEqual(eventOf(await detail(b.batch_id)));
  }, 120_000);

  it('of a finished batch: its state and the end at once', async () => {
    const b = await createBatch(ids.slice(150, 152));
    const first = await raw(app.server.port, {
      path: `/api/batches/${b.batch_id}/events`,
      headers: auth(),
    });
    const done = parseSse(first.body).events.at(-1);
    expect(done?.event).toBe('end');
    const again = parseSse(
      (await raw(app.server.port, { path: `/api/batches/${b.batch_id}/events`, headers: auth() }))
        .body,
    );
    expect(again.events.map((e) => e.event)).toEqual(['progress', 'end']);
    expect(again.events[1]?.data).toBe(done?.data);
  }, 60_000);

  it('a client that leaves mid-stream: the server goes on answering and closes cleanly', async () => {
    const b = await createBatch(ids.slice(152, 170));
    const firstEvent = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: app.server.port,
          path: `/api/batches/${b.batch_id}/events`,
          headers: { Host: `127.0.0.1:${app.server.port}`, ...auth() },
          agent: false,
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
            if (text.includes('event: progress')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code !== 'ECONNRESET') reject(e);
      });
      req.end();
    });
    expect(firstEvent).toContain(`"batch_id":"${b.batch_id}"`);
    const health = await raw(app.server.port, { path: '/api/health' });
    expect(health.status).toBe(200);
    for (;;) {
      if ((await detail(b.batch_id)).finished_at !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60_000);

  it('refuses what every route refuses, with the JSON error body', async () => {
    const port = app.server.port;
    const b = await createBatch(ids.slice(0, 1));
    const noToken = await raw(port, { path: `/api/batches/${b.batch_id}/events` });
    expect(noToken.status).toBe(401);
    expect(noToken.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(JSON.parse(noToken.body)).toMatchObject({ code: 'UNAUTHORIZED' });
    const unknown = await raw(port, { path: '/api/batches/nope/events', headers: auth() });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 'NOT_FOUND' });
    const badId = await raw(port, { path: '/api/batches/no%20pe/events', headers: auth() });
    expect(badId.status).toBe(400);
    expect(JSON.parse(badId.body).details.map((d: { path: string }) => d.path)).toEqual([
      'batch_id',
    ]);
    const post = await raw(port, {
      method: 'POST',
      path: `/api/batches/${b.batch_id}/events`,
      headers: auth(),
    });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
  }, 60_000);
});
