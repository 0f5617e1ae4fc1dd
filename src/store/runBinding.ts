import type { JsonValue } from '../ports/store';
import { sha256Hex } from './hash';
import { runTextSql } from './runParts';

/**
 * What binds a stored run to the audit chain: every column of its row, the three JSON texts by
 * their SHA-256. A `run.created` event written from schema v6 on carries all of them but
 * `created_at`, which is the event's own `ts` (run and event share the transaction's
 * timestamp, and `ts` is inside the chain hash). A `run.bound` event (runs stored before v6,
 * bound once at the upgrade) carries all of them.
 *
 * Payload field → stored column it stands for (what a problem names in `fields`).
 */
export const BINDING_FIELDS = {
  run_id: 'run_id',
  kind: 'kind',
  status: 'status',
  portfolio_id: 'portfolio_id',
  portfolio_version: 'portfolio_version',
  created_at: 'created_at',
  engine_version: 'engine_version',
  input_hash: 'input_hash',
  duration_ms: 'duration_ms',
  decision: 'decision',
  model_versions_hash: 'model_versions_json',
  input_json_hash: 'input_json',
  output_hash: 'output_json',
} as const;

export type BindingField = keyof typeof BINDING_FIELDS;
export type RunBinding = { [K in BindingField]: string | number | null };
const FIELD_NAMES = Object.keys(BINDING_FIELDS) as BindingField[];

/** The columns of `runs` a binding is computed from (the texts as stored in the row). */
export const BINDING_COLS =
  'run_id, kind, status, portfolio_id, portfolio_version, created_at, engine_version, ' +
  'input_hash, duration_ms, decision, model_versions_json, input_json, output_json';

/**
 * BINDING_COLS for a query `FROM runs` on a schema of `version`: from v7 on, each text as
 * stored, in the row or in parts (runParts.ts), so that verify hashes what a reader gets.
 */
export function bindingCols(version: number): string {
  if (version < 7) return BINDING_COLS;
  return BINDING_COLS.replace(
    'input_json, output_json',
    `${runTextSql('runs', 'input_json')} AS input_json, ` +
      `${runTextSql('runs', 'output_json')} AS output_json`,
  );
}

export interface RunRow {
  run_id: string;
  kind: string;
  status: string;
  portfolio_id: string | null;
  portfolio_version: number | null;
  created_at: string;
  engine_version: string;
  input_hash: string;
  duration_ms: number;
  decision: string | null;
  model_versions_json: string;
  input_json: string;
  output_json: string;
}

/** The binding of a stored row (hashes the three JSON texts). */
export function runBinding(row: RunRow): RunBinding {
  return {
    run_id: row.run_id,
    kind: row.kind,
    status: row.status,
    portfolio_id: row.portfolio_id,
    portfolio_version: row.portfolio_version,
    created_at: row.created_at,
    engine_version: row.engine_version,
    input_hash: row.input_hash,
    duration_ms: row.duration_ms,
    decision: row.decision,
    model_versions_hash: sha256Hex(row.model_versions_json),
    input_json_hash: sha256Hex(row.input_json),
    output_hash: sha256Hex(row.output_json),
  };
}

/** One `run.created` / `run.bound` event as verify reads it. */
export interface BindingEvent {
  seq: number;
  ts: string;
  action: string;
  payload_json: string;
}

/** What one event says about the run: which fields it binds, and which of them differ. */
export interface EventComparison {
  covered: BindingField[];
  differs: {
    field: BindingField;
    recorded: JsonValue | undefined;
    stored: string | number | null;
  }[];
  /** The payload is not a JSON object (then nothing is covered). */
  unreadable: boolean;
}

/**
 * Compares one event's payload with the stored run's binding. A field absent from the payload
 * is not covered, with two exceptions for `run.created`: `created_at` is the event's `ts`, and
 * `decision` absent means null (the payload omits it when there is none, as before v6).
 */
export function compareEvent(ev: BindingEvent, b: RunBinding): EventComparison {
  let payload: unknown;
  try {
    payload = JSON.parse(ev.payload_json);
  } catch {
    payload = null;
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { covered: [], differs: [], unreadable: true };
  }
  const p = payload as Record<string, JsonValue>;
  const created = ev.action === 'run.created';
  const out: EventComparison = { covered: [], differs: [], unreadable: false };
  for (const f of FIELD_NAMES) {
    let recorded: JsonValue | undefined;
    if (Object.hasOwn(p, f)) recorded = p[f];
    else if (created && f === 'created_at') recorded = ev.ts;
    else if (created && f === 'decision') recorded = null;
    else continue;
    out.covered.push(f);
    if (recorded !== b[f]) out.differs.push({ field: f, recorded, stored: b[f] });
  }
  return out;
}

/** Short text for a recorded/stored value in a problem message (hashes cut to 12 characters). */
export function shortValue(v: JsonValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)) return `${v.slice(0, 12)}…`;
  return JSON.stringify(v);
}

/** `fields` of a problem: the stored column names, in binding order, without repeats. */
export function columnsOf(fields: Iterable<BindingField>): string[] {
  const set = new Set<BindingField>(fields);
  return FIELD_NAMES.filter((f) => set.has(f)).map((f) => BINDING_FIELDS[f]);
}

export { FIELD_NAMES as BINDING_FIELD_NAMES };
