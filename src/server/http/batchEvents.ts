/**
 * GET /api/batches/{batch_id}/events: a batch's progress streamed to scripts as server-sent events
 * (issue #13, item 2), beside polling GET /api/batches/{batch_id}. An HTTP-only view of the same
 * operation: every event is read through `getBatch` on the dispatch, so it says what a poll would.
 *
 * The stream: `retry: 2000`, then an `event: progress` with the batch's state at once and again
 * whenever its status, trouble or progress changes (read every `intervalMs`), then one
 * `event: end` with the final state when the batch is done or cancelled, and the response ends.
 * A comment line keeps an idle connection open every `heartbeatMs`. Event ids count from 1.
 * Example (curl): `curl -N -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8765/api/batches/ID/events`
 * → `event: progress` / `id: 1` / `data: {"batch_id":"ID","status":"running",…}` … `event: end`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BatchDetail, BatchEvent } from '../../contract/batches';
import type { Dispatch } from '../../rpc/dispatch';
import { baseHeaders, sendError } from './respond';

/** The path of a batch's event stream; the id comes back still percent-encoded. */
const EVENTS_PATH = /^\/api\/batches\/([^/]+)\/events$/;

/** The encoded batch id when `path` is a batch's event stream, else null. */
export function batchEventsId(path: string): string | null {
  return EVENTS_PATH.exec(path)?.[1] ?? null;
}

export interface BatchEventsOptions {
  dispatch: Dispatch;
  /** How often the batch is read, ms. Default 500. */
  intervalMs?: number;
  /** Longest silence before a keep-alive comment, ms. Default 15,000. */
  heartbeatMs?: number;
  /** Streams open at once; one more is answered 429. Default 32. */
  maxStreams?: number;
}

/** The event data of a batch (its state without the page of items). */
export function eventOf(b: BatchDetail): BatchEvent {
  return {
    batch_id: b.batch_id,
    status: b.status,
    finished_at: b.finished_at,
    trouble: b.trouble,
    progress: b.progress,
  };
}

/** Creates the stream handler (it counts the streams it serves, up to `maxStreams`). */
export function createBatchEvents(opts: BatchEventsOptions) {
  const intervalMs = opts.intervalMs ?? 500;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const maxStreams = opts.maxStreams ?? 32;
  let open = 0;

  const read = (batch_id: string) =>
    opts.dispatch('getBatch', { batch_id, limit: 1 }, { actor: 'local-api', transport: 'http' });

  /** Serves one stream until the batch ends or the client goes. `batch_id` is decoded. */
  async function serve(req: IncomingMessage, res: ServerResponse, batch_id: string) {
    if (open >= maxStreams)
      return sendError(res, 'TOO_MANY_REQUESTS', `at most ${maxStreams} event streams at once`, [
        { path: 'retry_after', message: '1' },
      ]);
    const first = await read(batch_id);
    if (!first.ok)
      return sendError(res, first.error.code, first.error.message, first.error.details ?? []);
    open++;
    baseHeaders(res);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    let id = 0;
    let last = '';
    let lastWrite = Date.now();
    let busy = false;
    let ended = false;

    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      open--;
      if (!res.writableEnded) res.end();
    };
    /** Writes the batch's state when it changed; ends the stream once the batch has. */
    const show = (b: BatchDetail) => {
      const data = JSON.stringify(eventOf(b));
      const finished = b.finished_at !== null;
      if (data !== last) {
        last = data;
        res.write(`event: progress\nid: ${++id}\ndata: ${data}\n\n`);
        lastWrite = Date.now();
      }
      if (finished) {
        res.write(`event: end\nid: ${++id}\ndata: ${data}\n\n`);
        end();
      }
    };
    const tick = async () => {
      if (busy || ended) return;
      busy = true;
      try {
        const r = await read(batch_id);
        if (ended) return;
        if (!r.ok) {
          // The batch cannot be read any more (the app is closing): say so and stop.
          res.write(`event: error\ndata: ${JSON.stringify(r.error)}\n\n`);
          return end();
        }
        show(r.value as BatchDetail);
        if (!ended && Date.now() - lastWrite >= heartbeatMs) {
          res.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void tick().catch(end), intervalMs);
    req.on('close', end);
    res.on('close', end);
    show(first.value as BatchDetail);
  }

  return { serve };
}
