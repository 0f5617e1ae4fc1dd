import type Database from 'better-sqlite3';
import { EngineError } from '../contract/common';
import type { ErrorDetail } from '../contract/common';
import type {
  ListRunsQuery,
  RunDecision,
  RunKind,
  RunPage,
  RunRecord,
  RunRepository,
  RunStatus,
  RunSummary,
  SaveRunInput,
  SavedRun,
} from '../ports/store';
import { RUN_DECISIONS, RUN_KINDS, RUN_STATUSES } from '../ports/store';
import { isJson } from './audit';
import type { PreparedEvent, SqliteAuditLog } from './audit';
import { canonicalJson, sha256Hex } from './hash';
import { ULID_RE, UlidGenerator } from './ids';
import { PARTS_THRESHOLD, PART_CHARS, dropStaged, runTextSql, stageTexts } from './runParts';

const KINDS = new Set<string>(RUN_KINDS);
const STATUSES = new Set<string>(RUN_STATUSES);
const DECISIONS = new Set<string>(RUN_DECISIONS);
const HASH_RE = /^[0-9a-f]{64}$/;
const ISO_MS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** The small leading columns of `runs` (schema v5 order), then the JSON texts. */
const SMALL_COLS = [
  'run_id',
  'kind',
  'portfolio_id',
  'portfolio_version',
  'created_at',
  'status',
  'engine_version',
  'input_hash',
  'duration_ms',
  'decision',
] as const;
const JSON_COLS = ['model_versions_json', 'input_json', 'output_json'] as const;
const INSERT_COLS = [...SMALL_COLS, ...JSON_COLS, 'text_id'].join(', ');

/**
 * Reads join the human decision (`run_decisions`, at most one row per run, found by its primary
 * key) as `approval`. A LEFT JOIN keeps `runs` the outer loop, so the keyset order is still
 * served by the runs indexes with no sort step.
 */
const FROM = 'runs r LEFT JOIN run_decisions d ON d.run_id = r.run_id';
const SUMMARY_COLS = [...SMALL_COLS.map((c) => `r.${c}`), 'd.decision AS approval'].join(', ');
/** A record's texts as stored: in the row, or in parts (runParts.ts). */
const RECORD_COLS =
  `${SUMMARY_COLS}, r.model_versions_json, ` +
  `${runTextSql('r', 'input_json')} AS input_json, ${runTextSql('r', 'output_json')} AS output_json`;

/**
 * The list query for the given filter terms (each on columns of `r`), newest first; the last
 * parameter is the row limit. Exported so a test can check its plan.
 */
export function listRunsSql(where: readonly string[]): string {
  return (
    `SELECT ${SUMMARY_COLS} FROM ${FROM}` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY r.created_at DESC, r.run_id DESC LIMIT ?'
  );
}

/**
 * Cursor = base64url of `<created_at>|<run_id>` of the last item of a page. Opaque to callers;
 * the next page is the rows strictly after it in (created_at DESC, run_id DESC) order.
 * Example: ('2026-01-01T00:00:00.000Z', '01JGFJJZ000000000000000000')
 *   → 'MjAyNi0wMS0wMVQwMDowMDowMC4wMDBafDAxSkdGSkpaMDAwMDAwMDAwMDAwMDAwMDAw'.
 */
export function encodeCursor(createdAt: string, runId: string): string {
  return Buffer.from(`${createdAt}|${runId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { created_at: string; run_id: string } | null {
  if (cursor.length > 100 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [created_at, run_id, extra] = text.split('|');
  if (extra !== undefined || created_at === undefined || run_id === undefined) return null;
  if (!ISO_MS_RE.test(created_at) || !ULID_RE.test(run_id)) return null;
  return { created_at, run_id };
}

interface PreparedRun {
  kind: RunKind;
  status: RunStatus;
  portfolio_id: string | null;
  portfolio_version: number | null;
  engine_version: string;
  model_versions_json: string;
  input_json: string;
  output_json: string;
  input_hash: string;
  duration_ms: number;
  actor: string;
  output_hash: string;
  input_json_hash: string;
  decision: RunDecision | null;
}
type Unhashed = Omit<PreparedRun, 'input_hash' | 'output_hash' | 'input_json_hash'>;

const JSON_FIELDS = ['model_versions_json', 'input_json', 'output_json'] as const;
const FIELD_ORDER = [
  'kind',
  'status',
  'portfolio_id',
  'portfolio_version',
  'engine_version',
  ...JSON_FIELDS,
  'input_hash',
  'text_hashes',
  'duration_ms',
  'actor',
  'decision',
];

/**
 * The error for a refused run: `d` plus every JSON text that does not parse, in field order
 * (model_versions_json, input_json, output_json after the fields before them).
 */
function invalidRun(input: SaveRunInput, d: ErrorDetail[]): EngineError {
  const all = [...d];
  for (const f of JSON_FIELDS) {
    const text = input[f];
    if (typeof text === 'string' && !isJson(text))
      all.push({ path: f, message: 'must be valid JSON text' });
  }
  const order = (p: string) => FIELD_ORDER.indexOf(p);
  all.sort((a, b) => order(a.path) - order(b.path));
  return new EngineError('BAD_REQUEST', 'invalid run', all);
}

/** True for SQLite's refusal by a CHECK constraint (json_valid on a run's JSON texts). */
const isCheckFailure = (e: unknown) =>
  (e as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_CHECK';

/** The run's fields checked (every problem listed), its texts not yet hashed. */
function validate(input: SaveRunInput): Unhashed {
  const d: ErrorDetail[] = [];
  if (!KINDS.has(input.kind))
    d.push({ path: 'kind', message: `must be one of ${RUN_KINDS.join(', ')}` });
  if (!STATUSES.has(input.status)) {
    d.push({ path: 'status', message: `must be one of ${RUN_STATUSES.join(', ')}` });
  }
  const pid = input.portfolio_id ?? null;
  const pver = input.portfolio_version ?? null;
  if (pid !== null && (typeof pid !== 'string' || pid.length < 1 || pid.length > 64)) {
    d.push({ path: 'portfolio_id', message: 'must be a string of 1..64 characters or null' });
  }
  if (pver !== null && (!Number.isInteger(pver) || pver < 1)) {
    d.push({ path: 'portfolio_version', message: 'must be an integer >= 1 or null' });
  }
  if (pver !== null && pid === null) {
    d.push({ path: 'portfolio_version', message: 'requires portfolio_id' });
  }
  if (
    typeof input.engine_version !== 'string' ||
    input.engine_version.length < 1 ||
    input.engine_version.length > 64
  ) {
    d.push({ path: 'engine_version', message: 'must be a string of 1..64 characters' });
  }
  // Whether the texts are JSON is checked by the table's CHECK (json_valid(...)) at INSERT, in C
  // and once (a 1 MB input cost this thread 8 ms more in JSON.parse); here only their type — and
  // their content too when the run is refused anyway, so the error lists every problem.
  for (const f of JSON_FIELDS) {
    if (typeof input[f] !== 'string') d.push({ path: f, message: 'must be valid JSON text' });
  }
  const th = input.text_hashes;
  if (th !== undefined && (!HASH_RE.test(th.input_json) || !HASH_RE.test(th.output_json))) {
    d.push({ path: 'text_hashes', message: 'must be 64 lowercase hex characters each' });
  }
  if (input.input_hash !== undefined && !HASH_RE.test(input.input_hash)) {
    d.push({ path: 'input_hash', message: 'must be 64 lowercase hex characters' });
  }
  if (
    typeof input.duration_ms !== 'number' ||
    !Number.isFinite(input.duration_ms) ||
    input.duration_ms < 0
  ) {
    d.push({ path: 'duration_ms', message: 'must be a finite number >= 0' });
  }
  const actor = input.actor ?? 'system';
  if (typeof actor !== 'string' || actor.length < 1 || actor.length > 200) {
    d.push({ path: 'actor', message: 'must be a string of 1..200 characters' });
  }
  const decision = input.decision ?? null;
  if (decision !== null && !DECISIONS.has(decision)) {
    d.push({ path: 'decision', message: `must be one of ${RUN_DECISIONS.join(', ')} or null` });
  }
  if (d.length > 0) throw invalidRun(input, d);
  return {
    kind: input.kind,
    status: input.status,
    portfolio_id: pid,
    portfolio_version: pver,
    engine_version: input.engine_version,
    model_versions_json: input.model_versions_json,
    input_json: input.input_json,
    output_json: input.output_json,
    duration_ms: input.duration_ms,
    actor,
    decision,
  };
}

/** The SHA-256 of each text: given by the caller (`text_hashes`, recomputed by verify) or here. */
function hashed(r: Unhashed, input: SaveRunInput): PreparedRun {
  const input_json_hash = input.text_hashes?.input_json ?? sha256Hex(r.input_json);
  return {
    ...r,
    input_hash: input.input_hash ?? input_json_hash,
    output_hash: input.text_hashes?.output_json ?? sha256Hex(r.output_json),
    input_json_hash,
  };
}

/** Resolves on the event loop's next turn: what a staged save awaits between parts. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A run written together with another record, in its transaction (a batch item's outcome,
 * src/store/batches.ts). Adapter-only: the port's RunRepository has no such method.
 */
export interface RunLink {
  /** Extra fields of the `run.created` payload (bound by the chain), e.g. {batch_id, batch_index}. */
  payload: Record<string, string | number>;
  /** Inside the transaction, before the insert: false writes nothing (the save returns null). */
  claim(): boolean;
  /** Inside the transaction, after the run and its event: the linked writes. */
  after(run: SavedRun): void;
}

export class SqliteRunRepository implements RunRepository {
  private readonly ids = new UlidGenerator();
  private readonly insert: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly portfolioVersionExists: Database.Statement;
  private readonly portfolioExists: Database.Statement;
  private readonly listCache = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly audit: SqliteAuditLog,
  ) {
    this.insert = db.prepare(
      `INSERT INTO runs (${INSERT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.getStmt = db.prepare(`SELECT ${RECORD_COLS} FROM ${FROM} WHERE r.run_id = ?`);
    this.portfolioExists = db.prepare('SELECT 1 FROM portfolios WHERE id = ?').pluck();
    this.portfolioVersionExists = db
      .prepare('SELECT 1 FROM portfolio_versions WHERE portfolio_id = ? AND version = ?')
      .pluck();
  }

  /**
   * Hashes are computed before the transaction; inside it: INSERT run, INSERT `run.created`
   * event, head file, COMMIT. created_at = the transaction's timestamp (UTC, ms), which is also
   * the event's `ts`; run_id = a monotonic ULID of the same clock reading.
   *
   * The event binds every column of the row (runBinding.ts): run_id, kind, status, portfolio,
   * engine_version, input_hash, duration_ms, and the SHA-256 of the stored input_json
   * (`input_json_hash`, from v6), output_json (`output_hash`) and model_versions_json;
   * `decision` only when there is one, so the payloads of runs without a decision keep the
   * pre-v5 shape. verify() recomputes these from the stored row.
   */
  save(input: SaveRunInput): SavedRun {
    return this.saveInRow(input, null) as SavedRun;
  }

  /** save() with a link (null: none); null when the link's claim refused the write. */
  private saveInRow(input: SaveRunInput, link: RunLink | null): SavedRun | null {
    const u = validate(input);
    this.checkPortfolio(u);
    const r = hashed(u, input);
    const model_versions_hash = sha256Hex(r.model_versions_json);
    try {
      return this.insertWithEvent(r, model_versions_hash, null, link);
    } catch (e) {
      if (!isCheckFailure(e)) throw e;
      const refused = invalidRun(input, []);
      throw refused.details.length ? refused : e;
    }
  }

  /**
   * As save(), for a run whose texts may be large: when the two texts together reach
   * PARTS_THRESHOLD characters (2 Mi), they are written in ~0.5 MB parts, each in its own short
   * transaction, awaiting `pause()` (the event loop's next turn) between parts and hashing them
   * on the way; then the run row (its texts the JSON `null`, its `text_id` naming the parts) and
   * its `run.created` event — which binds the SHA-256 of the assembled texts — are one
   * transaction, as in save(). Durable when the promise resolves; a failure or a crash before
   * that leaves parts no run refers to, deleted at once or at the next open.
   *
   * The texts must be JSON: the parts are not checked by `json_valid` (that is the 12 MB pass
   * this path exists to keep off the thread). The caller is the compute pool's answer, whose
   * texts JSON.stringify produced from schema-checked values. `text_hashes`, when given, are
   * used as in save() (verify recomputes them and names a wrong one); else they are computed
   * here, part by part.
   * Example: `await store.runs.saveLarge({...run, output_json: twelveMegabytes})` → its
   * SavedRun; store.runs.get(run_id).output_json === twelveMegabytes.
   */
  async saveLarge(input: SaveRunInput, pause: () => Promise<void> = nextTurn): Promise<SavedRun> {
    return (await this.saveLinked(input, null, pause)) as SavedRun;
  }

  /**
   * saveLarge() with `link`'s writes in the run's transaction: `link.claim()` runs first inside
   * it (false: nothing is written, staged parts are dropped, null is returned), then the row and
   * its `run.created` event (with `link.payload` in its payload), then `link.after(run)`.
   * Example: a batch item's run, saved only while the item is pending (src/store/batches.ts).
   */
  async saveLinked(
    input: SaveRunInput,
    link: RunLink | null,
    pause: () => Promise<void> = nextTurn,
  ): Promise<SavedRun | null> {
    const { input_json, output_json } = input;
    const large =
      typeof input_json === 'string' &&
      typeof output_json === 'string' &&
      input_json.length + output_json.length >= PARTS_THRESHOLD;
    if (!large) return this.saveInRow(input, link);
    const u = validate(input);
    this.checkPortfolio(u);
    const staged = await stageTexts(
      this.db,
      { input_json, output_json },
      pause,
      PART_CHARS,
      input.text_hashes,
    );
    try {
      const r: PreparedRun = {
        ...u,
        input_hash: input.input_hash ?? staged.hashes.input_json,
        input_json_hash: staged.hashes.input_json,
        output_hash: staged.hashes.output_json,
      };
      const saved = this.insertWithEvent(r, sha256Hex(r.model_versions_json), staged.text_id, link);
      if (saved === null) dropStaged(this.db, staged.text_id);
      return saved;
    } catch (e) {
      dropStaged(this.db, staged.text_id);
      throw e;
    }
  }

  /** NOT_FOUND naming portfolio_id / portfolio_version when the run's portfolio is not stored. */
  private checkPortfolio(r: Unhashed): void {
    if (r.portfolio_id !== null) {
      const found =
        r.portfolio_version === null
          ? this.portfolioExists.get(r.portfolio_id)
          : this.portfolioVersionExists.get(r.portfolio_id, r.portfolio_version);
      if (found === undefined) {
        const message =
          r.portfolio_version === null
            ? `no portfolio ${r.portfolio_id}`
            : `no version ${r.portfolio_version} of portfolio ${r.portfolio_id}`;
        throw new EngineError('NOT_FOUND', message, [
          { path: r.portfolio_version === null ? 'portfolio_id' : 'portfolio_version', message },
        ]);
      }
    }
  }

  /**
   * INSERT run + its `run.created` event in one audit write transaction. `text_id`: the parts
   * holding the texts (the row then stores the JSON `null` for each), or null for texts in the row.
   */
  private insertWithEvent(
    r: PreparedRun,
    model_versions_hash: string,
    text_id: string | null,
    link: RunLink | null = null,
  ): SavedRun | null {
    return this.audit.write(() => {
      if (link !== null && !link.claim()) return null;
      const created_at = this.audit.txTimestamp();
      const run_id = this.ids.next(Date.parse(created_at));
      this.insert.run(
        run_id,
        r.kind,
        r.portfolio_id,
        r.portfolio_version,
        created_at,
        r.status,
        r.engine_version,
        r.input_hash,
        r.duration_ms,
        r.decision,
        r.model_versions_json,
        text_id === null ? r.input_json : 'null',
        text_id === null ? r.output_json : 'null',
        text_id,
      );
      const payload_json = canonicalJson({
        run_id,
        kind: r.kind,
        status: r.status,
        portfolio_id: r.portfolio_id,
        portfolio_version: r.portfolio_version,
        engine_version: r.engine_version,
        input_hash: r.input_hash,
        output_hash: r.output_hash,
        model_versions_hash,
        input_json_hash: r.input_json_hash,
        duration_ms: r.duration_ms,
        ...(r.decision !== null ? { decision: r.decision } : {}),
        ...(link !== null ? link.payload : {}),
      });
      const event: PreparedEvent = {
        actor: r.actor,
        action: 'run.created',
        subject: run_id,
        payload_json,
        payload_hash: sha256Hex(payload_json),
      };
      const [ev] = this.audit.appendInTx([event]);
      const saved: SavedRun = {
        run_id,
        kind: r.kind,
        portfolio_id: r.portfolio_id,
        portfolio_version: r.portfolio_version,
        created_at,
        status: r.status,
        engine_version: r.engine_version,
        input_hash: r.input_hash,
        duration_ms: r.duration_ms,
        decision: r.decision,
        approval: null,
        model_versions_json: r.model_versions_json,
        input_json: r.input_json,
        output_json: r.output_json,
        audit_seq: ev?.seq ?? 0,
      };
      link?.after(saved);
      return saved;
    });
  }

  get(run_id: string): RunRecord | null {
    if (typeof run_id !== 'string') return null;
    return (this.getStmt.get(run_id) as RunRecord | undefined) ?? null;
  }

  /**
   * Keyset pagination: WHERE [filters] AND (created_at, run_id) < (cursor) ORDER BY created_at
   * DESC, run_id DESC LIMIT limit + 1 (the extra row tells whether a next page exists). Served
   * by runs_by_time, runs_by_portfolio or runs_by_kind, so a page costs O(limit) whatever its
   * depth; each row's approval is one primary-key probe of run_decisions (listRunsSql).
   */
  list(query: ListRunsQuery = {}): RunPage {
    const d: ErrorDetail[] = [];
    const limit = query.limit ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      d.push({ path: 'limit', message: `must be an integer in 1..${MAX_PAGE}` });
    }
    if (query.kind !== undefined && !KINDS.has(query.kind)) {
      d.push({ path: 'kind', message: `must be one of ${RUN_KINDS.join(', ')}` });
    }
    if (query.portfolio_id !== undefined && typeof query.portfolio_id !== 'string') {
      d.push({ path: 'portfolio_id', message: 'must be a string' });
    }
    for (const f of ['created_from', 'created_to'] as const) {
      const v = query[f];
      if (v !== undefined && (typeof v !== 'string' || Number.isNaN(Date.parse(v)))) {
        d.push({ path: f, message: 'must be an ISO-8601 date-time' });
      }
    }
    let after: { created_at: string; run_id: string } | null = null;
    if (query.cursor !== undefined && query.cursor !== null) {
      after = typeof query.cursor === 'string' ? decodeCursor(query.cursor) : null;
      if (after === null)
        d.push({ path: 'cursor', message: 'is not a cursor returned by this API' });
    }
    if (d.length > 0) throw new EngineError('BAD_REQUEST', 'invalid run query', d);

    const where: string[] = [];
    const args: (string | number)[] = [];
    if (query.portfolio_id !== undefined) {
      where.push('r.portfolio_id = ?');
      args.push(query.portfolio_id);
    }
    if (query.kind !== undefined) {
      where.push('r.kind = ?');
      args.push(query.kind);
    }
    // Normalize bounds to the stored form (UTC, ms) so text comparison is time comparison.
    if (query.created_from !== undefined) {
      where.push('r.created_at >= ?');
      args.push(new Date(Date.parse(query.created_from)).toISOString());
    }
    if (query.created_to !== undefined) {
      where.push('r.created_at < ?');
      args.push(new Date(Date.parse(query.created_to)).toISOString());
    }
    if (after !== null) {
      where.push('(r.created_at, r.run_id) < (?, ?)');
      args.push(after.created_at, after.run_id);
    }
    args.push(limit + 1);
    const sql = listRunsSql(where);
    let stmt = this.listCache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.listCache.set(sql, stmt);
    }
    const rows = stmt.all(...args) as RunSummary[];
    let next_cursor: string | null = null;
    if (rows.length > limit) {
      rows.length = limit;
      const last = rows[limit - 1];
      if (last) next_cursor = encodeCursor(last.created_at, last.run_id);
    }
    return { items: rows, next_cursor };
  }
}
