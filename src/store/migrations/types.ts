import type Database from 'better-sqlite3';

/**
 * One schema step. Migrations are append-only: once released, a migration's SQL never changes;
 * a fix is a new migration. `up` runs inside a transaction together with
 * `PRAGMA user_version = version`, so a crash leaves the database at version − 1 or version.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
