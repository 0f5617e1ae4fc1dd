import type Database from 'better-sqlite3';
import { EngineError } from '../contract/common';
import type { ErrorDetail } from '../contract/common';
import type { ImportKind, ImportRecord, ImportRepository, RecordImportInput } from '../ports/store';
import { IMPORT_KINDS } from '../ports/store';
import type { SqliteAuditLog } from './audit';
import { canonicalJson, sha256Hex } from './hash';
import { UlidGenerator } from './ids';
import { checkCommon } from './portfolios';
import type { SqlitePortfolioRepository } from './portfolios';

const KINDS = new Set<string>(IMPORT_KINDS);
const HASH_RE = /^[0-9a-f]{64}$/;
const COLS =
  'import_id, kind, filename, content_hash, row_count AS rows, actor, created_at, portfolio_id, portfolio_version, audit_seq';

export class SqliteImportRepository implements ImportRepository {
  private readonly ids = new UlidGenerator();
  private readonly insert: Database.Statement;
  private readonly byHash: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly listStmt: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly audit: SqliteAuditLog,
    private readonly portfolios: SqlitePortfolioRepository,
  ) {
    this.insert = db.prepare(
      `INSERT INTO imports (import_id, kind, filename, content_hash, row_count, actor, created_at,
         portfolio_id, portfolio_version, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byHash = db.prepare(
      `SELECT ${COLS} FROM imports WHERE content_hash = ? AND kind = ?
       ORDER BY created_at DESC, import_id DESC LIMIT 1`,
    );
    this.byId = db.prepare(`SELECT ${COLS} FROM imports WHERE import_id = ?`);
    this.listStmt = db.prepare(
      `SELECT ${COLS} FROM imports ORDER BY created_at DESC, import_id DESC LIMIT ?`,
    );
  }

  /**
   * One transaction: [portfolio v1 or v(n+1)] + audit event + import row, then COMMIT.
   * Audit event: `portfolio.imported` (kind 'portfolio') or `prices.imported` (kind 'prices');
   * subject = the portfolio id, or the file's content_hash when no portfolio is involved;
   * payload = {import_id, kind, filename, content_hash, rows, portfolio_id, portfolio_version,
   * previous_version, portfolio_content_hash}.
   */
  record(input: RecordImportInput): ImportRecord {
    const d: ErrorDetail[] = [];
    if (!KINDS.has(input.kind)) {
      d.push({ path: 'kind', message: `must be one of ${IMPORT_KINDS.join(', ')}` });
    }
    if (
      typeof input.filename !== 'string' ||
      input.filename.length < 1 ||
      input.filename.length > 1024
    ) {
      d.push({ path: 'filename', message: 'must be a string of 1..1024 characters' });
    }
    if (typeof input.content_hash !== 'string' || !HASH_RE.test(input.content_hash)) {
      d.push({ path: 'content_hash', message: 'must be 64 lowercase hex characters (SHA-256)' });
    }
    if (!Number.isSafeInteger(input.rows) || input.rows < 0) {
      d.push({ path: 'rows', message: 'must be an integer >= 0' });
    }
    const actor = input.actor ?? 'system';
    if (typeof actor !== 'string' || actor.length < 1 || actor.length > 200) {
      d.push({ path: 'actor', message: 'must be a string of 1..200 characters' });
    }
    const p = input.portfolio;
    if (p !== undefined) {
      const sub: ErrorDetail[] = [];
      checkCommon(sub, p.content_json, p.name, true, undefined);
      for (const x of sub) d.push({ path: `portfolio.${x.path}`, message: x.message });
      if (p.portfolio_id === undefined && input.kind === 'prices') {
        d.push({
          path: 'portfolio.portfolio_id',
          message: 'a price import can only be attached to an existing portfolio',
        });
      }
    }
    if (d.length > 0) throw new EngineError('BAD_REQUEST', 'invalid import record', d);

    const content = p ? { json: p.content_json, hash: sha256Hex(p.content_json) } : null;
    const name = p?.name.trim();
    return this.audit.write(() => {
      const created_at = this.audit.txTimestamp();
      const import_id = this.ids.next(Date.parse(created_at));
      let portfolio_id: string | null = null;
      let portfolio_version: number | null = null;
      let previous_version: number | null = null;
      if (p && content && name !== undefined) {
        if (p.portfolio_id === undefined) {
          const v = this.portfolios.createInTx(name, content.json, content.hash);
          portfolio_id = v.portfolio_id;
          portfolio_version = v.version;
        } else {
          const r = this.portfolios.editInTx(p.portfolio_id, content.json, content.hash, name);
          portfolio_id = p.portfolio_id;
          portfolio_version = r.version.version;
          previous_version = r.previous_version;
        }
      }
      const payload_json = canonicalJson({
        import_id,
        kind: input.kind,
        filename: input.filename,
        content_hash: input.content_hash,
        rows: input.rows,
        portfolio_id,
        portfolio_version,
        previous_version,
        portfolio_content_hash: content?.hash ?? null,
      });
      const [event] = this.audit.appendInTx([
        {
          actor,
          action: input.kind === 'portfolio' ? 'portfolio.imported' : 'prices.imported',
          subject: portfolio_id ?? input.content_hash,
          payload_json,
          payload_hash: sha256Hex(payload_json),
        },
      ]);
      if (!event) throw new Error('import audit event was not appended');
      this.insert.run(
        import_id,
        input.kind,
        input.filename,
        input.content_hash,
        input.rows,
        actor,
        created_at,
        portfolio_id,
        portfolio_version,
        event.seq,
      );
      return {
        import_id,
        kind: input.kind,
        filename: input.filename,
        content_hash: input.content_hash,
        rows: input.rows,
        actor,
        created_at,
        portfolio_id,
        portfolio_version,
        audit_seq: event.seq,
      };
    });
  }

  findByHash(content_hash: string, kind: ImportKind): ImportRecord | null {
    return (this.byHash.get(content_hash, kind) as ImportRecord | undefined) ?? null;
  }

  get(import_id: string): ImportRecord | null {
    return (this.byId.get(import_id) as ImportRecord | undefined) ?? null;
  }

  list(limit = 50): ImportRecord[] {
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new EngineError('BAD_REQUEST', 'invalid import query', [
        { path: 'limit', message: 'must be an integer in 1..500' },
      ]);
    }
    return this.listStmt.all(limit) as ImportRecord[];
  }
}
