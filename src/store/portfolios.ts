import type Database from 'better-sqlite3';
import { EngineError } from '../contract/common';
import type { ErrorDetail } from '../contract/common';
import type {
  CreatePortfolioInput,
  EditPortfolioInput,
  PortfolioRepository,
  PortfolioSummary,
  PortfolioVersion,
  PortfolioVersionInfo,
} from '../ports/store';
import { isJson } from './audit';
import type { SqliteAuditLog } from './audit';
import { canonicalJson, sha256Hex } from './hash';
import { UlidGenerator } from './ids';

export function checkCommon(
  d: ErrorDetail[],
  content_json: unknown,
  name: unknown,
  nameRequired: boolean,
  actor: unknown,
): void {
  if (typeof content_json !== 'string' || !isJson(content_json)) {
    d.push({ path: 'content_json', message: 'must be valid JSON text' });
  }
  if (name !== undefined || nameRequired) {
    if (typeof name !== 'string' || name.trim().length < 1 || name.length > 200) {
      d.push({ path: 'name', message: 'must be a string of 1..200 characters, not blank' });
    }
  }
  if (
    actor !== undefined &&
    (typeof actor !== 'string' || actor.length < 1 || actor.length > 200)
  ) {
    d.push({ path: 'actor', message: 'must be a string of 1..200 characters' });
  }
}

const VERSION_COLS =
  'v.portfolio_id, p.name, v.version, v.created_at, v.content_json, v.content_hash';

export class SqlitePortfolioRepository implements PortfolioRepository {
  private readonly ids = new UlidGenerator();
  private readonly insertPortfolio: Database.Statement;
  private readonly insertVersion: Database.Statement;
  private readonly rename: Database.Statement;
  private readonly latest: Database.Statement;
  private readonly specific: Database.Statement;
  private readonly listStmt: Database.Statement;
  private readonly versionsStmt: Database.Statement;
  private readonly latestNumber: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly audit: SqliteAuditLog,
  ) {
    this.insertPortfolio = db.prepare(
      'INSERT INTO portfolios (id, name, created_at) VALUES (?, ?, ?)',
    );
    this.insertVersion = db.prepare(
      'INSERT INTO portfolio_versions (portfolio_id, version, created_at, content_hash, content_json) VALUES (?, ?, ?, ?, ?)',
    );
    this.rename = db.prepare('UPDATE portfolios SET name = ? WHERE id = ? AND name IS NOT ?');
    this.latest = db.prepare(
      `SELECT ${VERSION_COLS} FROM portfolio_versions v JOIN portfolios p ON p.id = v.portfolio_id
       WHERE v.portfolio_id = ? ORDER BY v.version DESC LIMIT 1`,
    );
    this.specific = db.prepare(
      `SELECT ${VERSION_COLS} FROM portfolio_versions v JOIN portfolios p ON p.id = v.portfolio_id
       WHERE v.portfolio_id = ? AND v.version = ?`,
    );
    this.listStmt = db.prepare(
      `SELECT p.id AS portfolio_id, p.name, p.created_at,
              l.version AS latest_version, l.created_at AS updated_at
       FROM portfolios p
       JOIN portfolio_versions l ON l.portfolio_id = p.id
        AND l.version = (SELECT max(version) FROM portfolio_versions WHERE portfolio_id = p.id)
       ORDER BY l.created_at DESC, p.id DESC`,
    );
    this.versionsStmt = db.prepare(
      'SELECT version, created_at, content_hash FROM portfolio_versions WHERE portfolio_id = ? ORDER BY version',
    );
    this.latestNumber = db
      .prepare('SELECT max(version) FROM portfolio_versions WHERE portfolio_id = ?')
      .pluck();
  }

  /** portfolios row + version 1 + audit event (`portfolio.created` or `.imported`), one commit. */
  create(input: CreatePortfolioInput): PortfolioVersion {
    const d: ErrorDetail[] = [];
    checkCommon(d, input.content_json, input.name, true, input.actor);
    if (input.origin !== undefined && input.origin !== 'created' && input.origin !== 'imported') {
      d.push({ path: 'origin', message: "must be 'created' or 'imported'" });
    }
    if (d.length > 0) throw new EngineError('BAD_REQUEST', 'invalid portfolio', d);
    const content_hash = sha256Hex(input.content_json);
    const name = input.name.trim();
    return this.audit.write(() => {
      const v = this.createInTx(name, input.content_json, content_hash);
      const payload_json = canonicalJson({
        portfolio_id: v.portfolio_id,
        version: 1,
        name,
        content_hash,
      });
      this.audit.appendInTx([
        {
          actor: input.actor ?? 'system',
          action: input.origin === 'imported' ? 'portfolio.imported' : 'portfolio.created',
          subject: v.portfolio_id,
          payload_json,
          payload_hash: sha256Hex(payload_json),
        },
      ]);
      return v;
    });
  }

  /** Inside audit.write(): inserts a portfolio and its version 1 (no audit event). */
  createInTx(name: string, content_json: string, content_hash: string): PortfolioVersion {
    const created_at = this.audit.txTimestamp();
    const id = this.ids.next(Date.parse(created_at));
    this.insertPortfolio.run(id, name, created_at);
    this.insertVersion.run(id, 1, created_at, content_hash, content_json);
    return { portfolio_id: id, name, version: 1, created_at, content_json, content_hash };
  }

  /**
   * Inside audit.write(): inserts version n+1 (renaming when `name` is given and differs);
   * throws NOT_FOUND (rolling the transaction back) for an unknown id. No audit event.
   */
  editInTx(
    portfolio_id: string,
    content_json: string,
    content_hash: string,
    name: string | undefined,
  ): { version: PortfolioVersion; previous_version: number } {
    // Read the latest version inside the write transaction: no other writer can interleave.
    const prev = this.latestNumber.get(portfolio_id) as number | null;
    if (prev === null) {
      throw new EngineError('NOT_FOUND', `no portfolio ${portfolio_id}`, [
        { path: 'portfolio_id', message: `no portfolio ${portfolio_id}` },
      ]);
    }
    const version = prev + 1;
    const created_at = this.audit.txTimestamp();
    if (name !== undefined) this.rename.run(name, portfolio_id, name);
    this.insertVersion.run(portfolio_id, version, created_at, content_hash, content_json);
    const row = this.specific.get(portfolio_id, version) as PortfolioVersion | undefined;
    if (!row) throw new Error('portfolio version vanished inside its own transaction');
    return { version: row, previous_version: prev };
  }

  get(portfolio_id: string, version?: number): PortfolioVersion | null {
    if (typeof portfolio_id !== 'string') return null;
    if (version === undefined) {
      return (this.latest.get(portfolio_id) as PortfolioVersion | undefined) ?? null;
    }
    if (!Number.isInteger(version) || version < 1) {
      throw new EngineError('BAD_REQUEST', 'invalid portfolio version', [
        { path: 'version', message: 'must be an integer >= 1' },
      ]);
    }
    return (this.specific.get(portfolio_id, version) as PortfolioVersion | undefined) ?? null;
  }

  list(): PortfolioSummary[] {
    return this.listStmt.all() as PortfolioSummary[];
  }

  versions(portfolio_id: string): PortfolioVersionInfo[] {
    return this.versionsStmt.all(portfolio_id) as PortfolioVersionInfo[];
  }

  /** Inserts version n+1 (and renames if asked) with a `portfolio.edited` event, one commit. */
  edit(portfolio_id: string, input: EditPortfolioInput): PortfolioVersion {
    const d: ErrorDetail[] = [];
    checkCommon(d, input.content_json, input.name, false, input.actor);
    if (d.length > 0) throw new EngineError('BAD_REQUEST', 'invalid portfolio edit', d);
    const content_hash = sha256Hex(input.content_json);
    const name = input.name?.trim();
    return this.audit.write(() => {
      const { version: row, previous_version } = this.editInTx(
        portfolio_id,
        input.content_json,
        content_hash,
        name,
      );
      const payload = {
        portfolio_id,
        version: row.version,
        previous_version,
        content_hash,
        ...(name !== undefined ? { name } : {}),
      };
      const payload_json = canonicalJson(payload);
      this.audit.appendInTx([
        {
          actor: input.actor ?? 'system',
          action: 'portfolio.edited',
          subject: portfolio_id,
          payload_json,
          payload_hash: sha256Hex(payload_json),
        },
      ]);
      return row;
    });
  }
}
