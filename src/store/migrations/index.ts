import { migration001 } from './001_audit_log';
import { migration002 } from './002_portfolios';
import { migration003 } from './003_runs';
import { migration004 } from './004_imports';
import { migration005 } from './005_policy_approvals';
import { migration006 } from './006_chain_binding';
import { migration007 } from './007_run_text_parts';
import { migration008 } from './008_models_accounts';
import { migration009 } from './009_batches';
import type { Migration } from './types';

export type { Migration } from './types';
export { APPLICATION_ID } from './001_audit_log';
export { BIND_LEGACY_RUNS_TASK } from './006_chain_binding';

/** Every migration, in order. Append only; `MIGRATIONS[i].version === i + 1`. */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
];

/** The schema version this build of the app writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
