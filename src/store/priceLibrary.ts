import type Database from 'better-sqlite3';
import { EngineError } from '../contract/common';
import type {
  PriceLibraryRepository,
  PriceSeriesSummary,
  PriceSeriesVersion,
  PutSeriesInput,
} from '../ports/models';
import type { PreparedEvent, SqliteAuditLog } from './audit';
import { canonicalJson, sha256Hex } from './hash';

const COLS = 'symbol, version, created_at, first_date, last_date, count, content_hash';

/**
 * The shared price library (schema v8): one close series per symbol, versioned. A re-import never
 * overwrites: the service merges the file's closes into the stored series and, when that changes
 * anything, puts version n+1 here (services/priceLibrary.ts). Each version and its
 * `price_series.imported` event (binding content hash, first/last date and count) are written in
 * one transaction with every other series of the same file.
 */
export class SqlitePriceLibraryRepository implements PriceLibraryRepository {
  private readonly insertHead: Database.Statement;
  private readonly insertVersion: Database.Statement;
  private readonly latestNumber: Database.Statement;
  private readonly latest: Database.Statement;
  private readonly specific: Database.Statement;
  private readonly listStmt: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly audit: SqliteAuditLog,
  ) {
    this.insertHead = db.prepare('INSERT INTO price_series (symbol, created_at) VALUES (?, ?)');
    this.insertVersion = db.prepare(
      `INSERT INTO price_series_versions (${COLS}, content_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.latestNumber = db
      .prepare('SELECT max(version) FROM price_series_versions WHERE symbol = ?')
      .pluck();
    this.latest = db.prepare(
      `SELECT ${COLS}, content_json FROM price_series_versions WHERE symbol = ? ORDER BY version DESC LIMIT 1`,
    );
    this.specific = db.prepare(
      `SELECT ${COLS}, content_json FROM price_series_versions WHERE symbol = ? AND version = ?`,
    );
    this.listStmt = db.prepare(
      `SELECT ${COLS.split(', ')
        .map((c) => `v.${c}`)
        .join(', ')}
       FROM price_series h JOIN price_series_versions v ON v.symbol = h.symbol
        AND v.version = (SELECT max(version) FROM price_series_versions WHERE symbol = h.symbol)
       ORDER BY h.symbol`,
    );
  }

  putMany(
    series: readonly PutSeriesInput[],
    actor: string,
    note: Record<string, string>,
  ): PriceSeriesVersion[] {
    if (series.length === 0) return [];
    // Serialized and hashed before the transaction: the write lock is held only for the inserts.
    const prepared = series.map((s) => {
      const n = s.content.dates.length;
      if (n < 1 || s.content.closes.length !== n)
        throw new EngineError('BAD_REQUEST', `series ${s.symbol}: dates and closes must align`);
      const content_json = canonicalJson({ closes: s.content.closes, dates: s.content.dates });
      return {
        ...s,
        content_json,
        content_hash: sha256Hex(content_json),
        first_date: s.content.dates[0] as string,
        last_date: s.content.dates[n - 1] as string,
        count: n,
      };
    });
    return this.audit.write(() => {
      const created_at = this.audit.txTimestamp();
      const out: PriceSeriesVersion[] = [];
      const events: PreparedEvent[] = [];
      for (const p of prepared) {
        const prev = (this.latestNumber.get(p.symbol) as number | null) ?? 0;
        if (prev !== p.expected_version)
          throw new EngineError(
            'CONFLICT',
            `series ${p.symbol} is at version ${prev}, not ${p.expected_version}: imported meanwhile; import again`,
          );
        const version = prev + 1;
        if (prev === 0) this.insertHead.run(p.symbol, created_at);
        const row: PriceSeriesVersion = {
          symbol: p.symbol,
          version,
          created_at,
          first_date: p.first_date,
          last_date: p.last_date,
          count: p.count,
          content_hash: p.content_hash,
          content_json: p.content_json,
        };
        this.insertVersion.run(
          row.symbol,
          version,
          created_at,
          row.first_date,
          row.last_date,
          row.count,
          row.content_hash,
          row.content_json,
        );
        const payload_json = canonicalJson({
          ...note,
          symbol: p.symbol,
          version,
          ...(prev > 0 ? { previous_version: prev } : {}),
          first_date: row.first_date,
          last_date: row.last_date,
          count: row.count,
          content_hash: row.content_hash,
        });
        events.push({
          actor,
          action: 'price_series.imported',
          subject: p.symbol,
          payload_json,
          payload_hash: sha256Hex(payload_json),
        });
        out.push(row);
      }
      this.audit.appendInTx(events);
      return out;
    });
  }

  get(symbol: string, version?: number): PriceSeriesVersion | null {
    const row =
      version === undefined ? this.latest.get(symbol) : this.specific.get(symbol, version);
    return (row as PriceSeriesVersion | undefined) ?? null;
  }

  list(): PriceSeriesSummary[] {
    return this.listStmt.all() as PriceSeriesSummary[];
  }
}
