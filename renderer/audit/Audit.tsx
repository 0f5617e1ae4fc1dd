/**
 * The audit log: every saved run, portfolio version and import is an event in a hash chain
 * (each event's hash covers the previous hash). The view shows the latest events, newest first;
 * "Verify chain" walks the whole chain in the engine, checks every stored run against its audit
 * record and lists the problems found; the head can be exported and later checked against.
 */
import { Fragment, useRef, useState } from 'react';
import type { Result, RpcError } from '../../src/contract/common';
import { call } from '../shared/api';
import { ErrorBox } from '../shared/ErrorBox';
import { dateTime, shortHash } from '../shared/format';
import { prettyJson } from '../shared/json';
import type { AuditEvent } from '../shared/types';
import { Empty } from '../shared/ui';
import { useData } from '../shared/useData';
import { HeadTools } from './HeadTools';
import { VerifyResult, type VerifyState } from './VerifyResult';
import type { KnownHead } from './verifyText';
import './audit.css';

const SHOW = 100;

/**
 * The sequence number of the last event, found with O(log n) one-event pages (the list is
 * ascending from `after_seq`, so the tail is not one call away): `after_seq = k` returns an
 * event exactly when some event has seq > k. Returns 0 for an empty log.
 */
async function lastSeq(): Promise<{ ok: true; seq: number } | { ok: false; error: RpcError }> {
  const probe = async (k: number) => {
    const r = await call('listAudit', { after_seq: k, limit: 1 });
    return r.ok ? { ok: true as const, seq: r.value.events[0]?.seq ?? null } : r;
  };
  let lo = 0;
  let hi = 1;
  // Grow hi until no event lies beyond it; an event lies beyond lo (once lo > 0).
  for (;;) {
    const p = await probe(hi);
    if (!p.ok) return p;
    if (p.seq === null) break;
    lo = hi;
    hi *= 2;
  }
  if (lo === 0) {
    // Nothing beyond 1: the log is empty or holds just the first event.
    const p = await probe(0);
    return p.ok ? { ok: true, seq: p.seq ?? 0 } : p;
  }
  // Invariant: an event lies beyond lo and none beyond hi; at hi = lo + 1 that event is hi.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const p = await probe(mid);
    if (!p.ok) return p;
    if (p.seq === null) hi = mid;
    else lo = mid;
  }
  return { ok: true, seq: hi };
}

/** Events with seq in (after, after + limit], newest first. */
async function page(after: number, limit: number): Promise<Result<AuditEvent[]>> {
  const r = await call('listAudit', { after_seq: Math.max(0, after), limit });
  return r.ok ? { ok: true, value: [...r.value.events].reverse() } : r;
}

/** The latest SHOW events, newest first, and the seq after which they start. */
async function latest(): Promise<Result<{ events: AuditEvent[]; from: number }>> {
  const last = await lastSeq();
  if (!last.ok) return last;
  const from = Math.max(0, last.seq - SHOW);
  const p = await page(from, SHOW);
  return p.ok ? { ok: true, value: { events: p.value, from } } : p;
}

/** Older events loaded on top of one answer of `latest` (the one whose seq is `base`). */
interface Older {
  base: number;
  events: AuditEvent[];
  oldest: number | null;
  error: RpcError | null;
}

export function AuditView({
  onOpenRun,
}: {
  /** Opens a saved run in the Runs view; without it, run ids in the problems are plain text. */
  onOpenRun?: (runId: string) => void;
} = {}) {
  const { data, reload } = useData(latest, []);
  const dataSeq = useRef(data.seq);
  dataSeq.current = data.seq;
  const [older, setOlder] = useState<Older>({ base: -1, events: [], oldest: null, error: null });
  const [verify, setVerify] = useState<VerifyState>({ state: 'idle' });
  // Only the latest verification's answer is shown.
  const verifyCall = useRef(0);
  const [open, setOpen] = useState<number | null>(null);

  const extra = older.base === data.seq ? older : null;
  const events = [...(data.value?.events ?? []), ...(extra?.events ?? [])];
  const oldest = extra?.oldest ?? data.value?.from ?? null;
  const error = data.error ?? extra?.error ?? null;
  const state = data.state;
  const seq = data.seq;

  const loadOlder = async () => {
    if (oldest === null || oldest <= 0) return;
    const base = data.seq;
    const from = Math.max(0, oldest - SHOW);
    const p = await page(from, oldest - from);
    // A refresh finished meanwhile: these events belong to the list it replaced.
    if (dataSeq.current !== base) return;
    setOlder((o) => {
      const prev = o.base === base ? o : { base, events: [], oldest: null, error: null };
      return p.ok
        ? { base, events: [...prev.events, ...p.value], oldest: from, error: null }
        : { ...prev, error: p.error };
    });
  };

  const doVerify = async (known: KnownHead | null = null) => {
    const n = ++verifyCall.current;
    setVerify({ state: 'running', known, seq: n });
    const r = await call('verifyAudit', known ?? {});
    if (n !== verifyCall.current) return;
    setVerify(
      r.ok
        ? { state: 'done', value: r.value, known, seq: n }
        : { state: 'error', error: r.error, known, seq: n },
    );
  };

  return (
    <div className="page" data-testid="audit-view" data-state={state} data-seq={seq}>
      <div className="page-head">
        <h2 className="page-title">Audit log</h2>
        <span className="muted small" data-testid="audit-count">
          {events.length} latest event{events.length === 1 ? '' : 's'}, newest first
        </span>
        <span className="spacer" />
        <button type="button" className="btn" data-testid="audit-refresh" onClick={reload}>
          Refresh
        </button>
        <button
          type="button"
          className="btn primary-outline"
          data-testid="audit-verify"
          disabled={verify.state === 'running'}
          onClick={() => void doVerify(null)}
        >
          {verify.state === 'running' ? 'Verifying…' : 'Verify chain'}
        </button>
      </div>

      <VerifyResult verify={verify} onOpenRun={onOpenRun} />

      <HeadTools busy={verify.state === 'running'} onCheck={(head) => void doVerify(head)} />

      {error ? (
        <ErrorBox error={error} title="The audit log could not be read" testId="audit-error" />
      ) : null}

      <div className="list-box tall">
        <table className="grid clickable compact" data-testid="audit-table">
          <thead>
            <tr>
              <th className="n">Seq</th>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Subject</th>
              <th>Hash</th>
              <th>Previous</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <Fragment key={e.seq}>
                <tr
                  data-testid="audit-row"
                  data-seq={e.seq}
                  data-action={e.action}
                  className={open === e.seq ? 'row-open' : ''}
                  tabIndex={0}
                  title="Show the event's payload"
                  onClick={() => setOpen((o) => (o === e.seq ? null : e.seq))}
                  onKeyDown={(k) => {
                    if (k.key === 'Enter') setOpen((o) => (o === e.seq ? null : e.seq));
                  }}
                >
                  <td className="n">{e.seq}</td>
                  <td className="nowrap" title={e.ts}>
                    {dateTime(e.ts)}
                  </td>
                  <td className="nowrap">{e.actor}</td>
                  <td>
                    <span className="badge quiet">{e.action}</span>
                  </td>
                  <td>
                    <code className="subject" title={e.subject}>
                      {/^[0-9a-f]{64}$/.test(e.subject)
                        ? `sha256 ${shortHash(e.subject, 16)}…`
                        : e.subject}
                    </code>
                  </td>
                  <td>
                    <code className="hash" title={e.hash}>
                      {shortHash(e.hash, 12)}
                    </code>
                  </td>
                  <td>
                    <code className="hash muted" title={e.prev_hash}>
                      {shortHash(e.prev_hash, 12)}
                    </code>
                  </td>
                </tr>
                {open === e.seq ? (
                  <tr className="payload-row" data-testid="audit-payload">
                    <td />
                    <td colSpan={6}>
                      <div className="small muted">
                        payload SHA-256 <code>{e.payload_hash}</code>
                      </div>
                      <pre className="json small-json">{payload(e.payload_json)}</pre>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
        {state === 'ready' && events.length === 0 ? (
          <Empty testId="audit-empty">
            No events yet: runs, saves and imports are recorded here.
          </Empty>
        ) : null}
        <div className="list-foot">
          {oldest !== null && oldest > 0 ? (
            <button
              type="button"
              className="btn"
              data-testid="audit-older"
              onClick={() => void loadOlder()}
            >
              Show {Math.min(SHOW, oldest)} older
            </button>
          ) : events.length > 0 ? (
            <span className="muted small">First event reached</span>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function payload(json: string): string {
  try {
    return prettyJson(JSON.parse(json) as unknown);
  } catch {
    return json;
  }
}
