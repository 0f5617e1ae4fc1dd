import type Database from 'better-sqlite3';
import { EngineError } from '../contract/common';
import type { ErrorDetail } from '../contract/common';
import type { AuditAction } from '../ports/store';
import type {
  RecordSummary,
  RecordVersion,
  RecordVersionInfo,
  SaveRecordInput,
  VersionedRepository,
} from '../ports/models';
import type { SqliteAuditLog, PreparedEvent } from './audit';
import { canonicalJson, sha256Hex } from './hash';
import { UlidGenerator } from './ids';
import { checkCommon } from './portfolios';

/** Where one kind of versioned record lives (schema v8, migration 008). */
export interface VersionedKind {
  kind: 'model' | 'account';
  head: 'models' | 'accounts';
  table: 'model_versions' | 'account_versions';
  idCol: 'model_id' | 'account_id';
  /** Accounts carry the model they follow. */
  hasModel: boolean;
}

export const MODEL_KIND: VersionedKind = {
  kind: 'model',
  head: 'models',
  table: 'model_versions',
  idCol: 'model_id',
  hasModel: false,
};

export const ACCOUNT_KIND: VersionedKind = {
  kind: 'account',
  head: 'accounts',
  table: 'account_versions',
  idCol: 'account_id',
  hasModel: true,
};

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Models and accounts: a head row (id, created_at) and immutable version rows. Every save is one
 * IMMEDIATE transaction holding the version row and its audit event (`model.created`, …,
 * `account.assigned`), whose payload binds the version's content hash, name and (accounts) model;
 * verify compares every row with its event (verifyVersions.ts).
 *
 * Optimistic concurrency, as the policy's: `expected_version` is the latest version the caller
 * saw (0 or absent: the record must not exist yet). Read inside the write transaction, so no other
 * writer can interleave between the check and the insert.
 */
export class SqliteVersionedRepository implements VersionedRepository {
  private readonly ids = new UlidGenerator();
  private readonly insertHead: Database.Statement;
  private readonly insertVersion: Database.Statement;
  private readonly latestNumber: Database.Statement;
  private readonly specific: Database.Statement;
  private readonly latest: Database.Statement;
  private readonly listAll: Database.Statement;
  private readonly listByModel: Database.Statement;
  private readonly versionsStmt: Database.Statement;
  private readonly modelExists: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly audit: SqliteAuditLog,
    private readonly k: VersionedKind,
  ) {
    const { head, table, idCol } = k;
    const model = k.hasModel ? 'v.model_id' : 'NULL AS model_id';
    const cols = `v.${idCol} AS id, v.version, v.created_at, v.name, ${model}, v.content_json, v.content_hash`;
    this.insertHead = db.prepare(`INSERT INTO ${head} (${idCol}, created_at) VALUES (?, ?)`);
    this.insertVersion = db.prepare(
      k.hasModel
        ? `INSERT INTO ${table} (${idCol}, version, created_at, name, model_id, content_hash, content_json) VALUES (?, ?, ?, ?, ?, ?, ?)`
        : `INSERT INTO ${table} (${idCol}, version, created_at, name, content_hash, content_json) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.latestNumber = db.prepare(`SELECT max(version) FROM ${table} WHERE ${idCol} = ?`).pluck();
    this.specific = db.prepare(
      `SELECT ${cols} FROM ${table} v WHERE v.${idCol} = ? AND v.version = ?`,
    );
    this.latest = db.prepare(
      `SELECT ${cols} FROM ${table} v WHERE v.${idCol} = ? ORDER BY v.version DESC LIMIT 1`,
    );
    const list = (where: string) =>
      db.prepare(
        `SELECT h.${idCol} AS id, l.name, ${k.hasModel ? 'l.model_id' : 'NULL AS model_id'},
                h.created_at, l.version AS latest_version, l.created_at AS updated_at
         FROM ${head} h
         JOIN ${table} l ON l.${idCol} = h.${idCol}
          AND l.version = (SELECT max(version) FROM ${table} WHERE ${idCol} = h.${idCol})
         ${where}
         ORDER BY l.created_at DESC, h.${idCol} DESC`,
      );
    this.listAll = list('');
    this.listByModel = k.hasModel ? list('WHERE l.model_id = ?') : list('WHERE 0 AND ? IS NULL');
    this.versionsStmt = db.prepare(
      `SELECT version, created_at, content_hash FROM ${table} WHERE ${idCol} = ? ORDER BY version`,
    );
    this.modelExists = db.prepare('SELECT 1 FROM models WHERE model_id = ?').pluck();
  }

  save(input: SaveRecordInput): RecordVersion {
    const [v] = this.saveMany([input]);
    if (!v) throw new Error('saveMany returned nothing');
    return v;
  }

  /**
   * Saves every input in ONE transaction (an import is all or nothing): each a new record or
   * version n+1, each with its own audit event. Throws (writing nothing) on the first input
   * refused: BAD_REQUEST (shape), NOT_FOUND (unknown model, or expected_version > 0 for a record
   * that does not exist), CONFLICT (stale or missing expected_version).
   */
  saveMany(inputs: readonly SaveRecordInput[]): RecordVersion[] {
    if (inputs.length === 0) return [];
    const prepared = inputs.map((input, i) => this.check(input, inputs.length > 1 ? i : null));
    return this.audit.write(() => {
      const out: RecordVersion[] = [];
      const events: PreparedEvent[] = [];
      for (const p of prepared) {
        const { row, event } = this.writeOne(p);
        out.push(row);
        events.push(event);
      }
      this.audit.appendInTx(events);
      return out;
    });
  }

  private check(input: SaveRecordInput, index: number | null) {
    const d: ErrorDetail[] = [];
    checkCommon(d, input.content_json, input.name, true, input.actor);
    const at = (f: string) => (index === null ? f : `${index}.${f}`);
    if (input.id !== undefined && (typeof input.id !== 'string' || !ID_RE.test(input.id)))
      d.push({ path: at(this.k.idCol), message: 'must be 1..64 letters, digits, _ or -' });
    const exp = input.expected_version;
    if (exp !== undefined && (!Number.isInteger(exp) || exp < 0))
      d.push({ path: at('expected_version'), message: 'must be an integer >= 0' });
    if (d.length > 0) throw new EngineError('BAD_REQUEST', `invalid ${this.k.kind}`, d);
    return {
      input,
      name: input.name.trim(),
      content_hash: sha256Hex(input.content_json),
      model_id: this.k.hasModel ? (input.model_id ?? null) : null,
    };
  }

  private writeOne(p: ReturnType<SqliteVersionedRepository['check']>): {
    row: RecordVersion;
    event: PreparedEvent;
  } {
    const { input, name, content_hash, model_id } = p;
    const { kind, idCol } = this.k;
    const created_at = this.audit.txTimestamp();
    const id = input.id ?? this.ids.next(Date.parse(created_at));
    const prev = input.id === undefined ? null : (this.latestNumber.get(id) as number | null);
    const exp = input.expected_version;
    if (prev === null && exp !== undefined && exp > 0)
      throw new EngineError('NOT_FOUND', `no ${kind} ${id}`, [
        { path: idCol, message: `no ${kind} ${id}` },
      ]);
    if (prev !== null && exp !== prev) {
      const message =
        exp === undefined || exp === 0
          ? `${kind} ${id} exists (version ${prev}); pass expected_version ${prev} to save version ${prev + 1}`
          : `${kind} ${id} is at version ${prev}, not ${exp}: it was saved since you read it`;
      throw new EngineError('CONFLICT', message, [{ path: 'expected_version', message }]);
    }
    if (model_id !== null && this.modelExists.get(model_id) === undefined)
      throw new EngineError('NOT_FOUND', `no model ${model_id}`, [
        { path: 'model_id', message: `no model ${model_id}` },
      ]);
    const version = (prev ?? 0) + 1;
    if (prev === null) this.insertHead.run(id, created_at);
    const args = this.k.hasModel
      ? [id, version, created_at, name, model_id, content_hash, input.content_json]
      : [id, version, created_at, name, content_hash, input.content_json];
    this.insertVersion.run(...args);
    const origin = input.origin ?? (prev === null ? 'created' : 'edited');
    const action = `${kind}.${origin}` as AuditAction;
    const payload_json = canonicalJson({
      ...(input.note ?? {}),
      [idCol]: id,
      version,
      ...(prev !== null ? { previous_version: prev } : {}),
      name,
      content_hash,
      ...(this.k.hasModel ? { model_id } : {}),
    });
    return {
      row: {
        id,
        version,
        created_at,
        name,
        model_id,
        content_json: input.content_json,
        content_hash,
      },
      event: {
        actor: input.actor ?? 'system',
        action,
        subject: id,
        payload_json,
        payload_hash: sha256Hex(payload_json),
      },
    };
  }

  get(id: string, version?: number): RecordVersion | null {
    if (typeof id !== 'string') return null;
    if (version === undefined) return (this.latest.get(id) as RecordVersion | undefined) ?? null;
    return (this.specific.get(id, version) as RecordVersion | undefined) ?? null;
  }

  list(filter: { model_id?: string } = {}): RecordSummary[] {
    const rows =
      filter.model_id === undefined ? this.listAll.all() : this.listByModel.all(filter.model_id);
    return rows as RecordSummary[];
  }

  versions(id: string): RecordVersionInfo[] {
    return this.versionsStmt.all(id) as RecordVersionInfo[];
  }
}
