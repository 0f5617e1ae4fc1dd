import type Database from 'better-sqlite3';

/** Delay after a commit before the WAL is checkpointed; commits in a burst share one checkpoint. */
export const CHECKPOINT_DELAY_MS = 50;

/**
 * Moves WAL checkpoints off the acknowledgement path. After a COMMIT, `schedule()` arms one
 * timer; when it fires (the event loop is free, ≥ 50 ms later) a PASSIVE checkpoint copies the
 * new WAL frames into the database file. A save therefore never pays for a checkpoint inside
 * its own COMMIT unless the caller never yields (then SQLite's backstop at 16 MiB applies).
 * The timer is unref'd: it never keeps the process alive; close() cancels it.
 */
export class Checkpointer {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Checkpoints run and their total time, for diagnostics and the benchmark. */
  runs = 0;
  total_ms = 0;

  constructor(private readonly db: Database.Database) {}

  schedule(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, CHECKPOINT_DELAY_MS);
    this.timer.unref();
  }

  /** A PASSIVE checkpoint now (never blocks on readers; there are none besides us). */
  run(): void {
    if (this.closed || !this.db.open) return;
    const t0 = performance.now();
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A failed checkpoint loses nothing: the frames stay in the WAL and are retried.
    }
    this.runs++;
    this.total_ms += performance.now() - t0;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
