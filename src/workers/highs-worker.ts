/**
 * Worker-thread entry that owns one HiGHS WebAssembly runtime and solves QpModels posted to it,
 * one at a time, so solves never block the HTTP server's or Electron main process's event loop.
 *
 * Protocol: the worker posts {type: 'ready', version} once loaded; then for each
 * {id, model, options} it replies {id, ok: true, solution} or {id, ok: false, error}.
 * Solution buffers are transferred, not copied. The owner (highs-solver.ts) sends the next request
 * only after this reply, so a request's deadline there runs from the start of its own solve.
 * test/fixtures/workers/ holds scripted workers speaking the same protocol.
 */
import { parentPort } from 'node:worker_threads';
import loadHighs from 'highs';
import { createHighsQpSolver } from '../optimize/qp/highs-adapter';
import type { QpModel, QpSolution, SolveOptions } from '../optimize/qp/types';

export interface SolveRequest {
  id: number;
  model: QpModel;
  options: SolveOptions;
}

export type WorkerReply =
  | { type: 'ready'; version: string }
  | { type: 'result'; id: number; ok: true; solution: QpSolution }
  | { type: 'result'; id: number; ok: false; error: { name: string; message: string } };

const port = parentPort;
if (!port) throw new Error('highs-worker must run in a worker thread');

const highs = await loadHighs();
const solver = createHighsQpSolver(highs);

port.on('message', (msg: SolveRequest) => {
  let reply: WorkerReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const solution = solver.solveSync(msg.model, msg.options);
    reply = { type: 'result', id: msg.id, ok: true, solution };
    for (const a of [solution.x, solution.rowActivity, solution.colDual, solution.rowDual])
      if (
        a.buffer instanceof ArrayBuffer &&
        a.byteOffset === 0 &&
        a.byteLength === a.buffer.byteLength
      )
        transfer.push(a.buffer);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = {
      type: 'result',
      id: msg.id,
      ok: false,
      error: { name: err.name, message: err.message },
    };
  }
  port.postMessage(reply, transfer);
});

port.postMessage({ type: 'ready', version: solver.version } satisfies WorkerReply);
