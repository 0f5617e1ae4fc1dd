import type Database from 'better-sqlite3';
import { EngineError } from '../contract/common';
import type { ErrorDetail } from '../contract/common';
import type { PolicyRepository, PutPolicyInput, StoredPolicy } from '../ports/store';
import type { SqliteAuditLog } from './audit';
import { canonicalJson, sha256Hex } from './hash';

const HASH_RE = /^[0-9a-f]{64}$/;
const COLS = 'version, created_at, actor, document_json, hash';
/** Subject of every `policy.changed` event: `audit.list({subject: 'policy'})` is the history. */
export const POLICY_SUBJECT = 'policy';

/**
 * SHA-256 of the canonical JSON of the document in `document_json`, or null when the text is
 * not JSON (or holds a non-finite number). Hashing the canonical form rather than the bytes
 * makes the hash a property of the policy, whatever the layout it was saved with.
 */
function documentHash(document_json: string): string | null {
  try {
    return sha256Hex(canonicalJson(JSON.parse(document_json)));
  } catch {
    return null;
  }
}

interface PreparedPolicy {
  document_json: string;
  hash: string;
  actor: string;
  expected_version: number;
}

function validate(input: PutPolicyInput): PreparedPolicy {
  const d: ErrorDetail[] = [];
  const hash = typeof input.document_json === 'string' ? documentHash(input.document_json) : null;
  if (hash === null) d.push({ path: 'document_json', message: 'must be valid JSON text' });
  if (input.hash !== undefined) {
    if (typeof input.hash !== 'string' || !HASH_RE.test(input.hash)) {
      d.push({ path: 'hash', message: 'must be 64 lowercase hex characters' });
    } else if (hash !== null && input.hash !== hash) {
      d.push({ path: 'hash', message: 'does not match SHA-256 of the canonical document JSON' });
    }
  }
  if (typeof input.actor !== 'string' || input.actor.length < 1 || input.actor.length > 200) {
    d.push({ path: 'actor', message: 'must be a string of 1..200 characters' });
  }
  if (!Number.isSafeInteger(input.expected_version) || input.expected_version < 0) {
    d.push({ path: 'expected_version', message: 'must be an integer >= 0' });
  }
  if (d.length > 0 || hash === null) throw new EngineError('BAD_REQUEST', 'invalid policy', d);
  return {
    document_json: input.document_json,
    hash,
    actor: input.actor,
    expected_version: input.expected_version,
  };
}

/**
 * Versioned supervisor policies (table `policies`, schema v5). Every version is kept; a change
 * is version n+1 written with its `policy.changed` audit event in one transaction.
 */
export class SqlitePolicyRepository implements PolicyRepository {
  private readonly insert: Database.Statement;
  private readonly latest: Database.Statement;
  private readonly byVersion: Database.Statement;
  private readonly latestNumber: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly audit: SqliteAuditLog,
  ) {
    this.insert = db.prepare(
      'INSERT INTO policies (version, created_at, actor, hash, document_json) VALUES (?, ?, ?, ?, ?)',
    );
    this.latest = db.prepare(`SELECT ${COLS} FROM policies ORDER BY version DESC LIMIT 1`);
    this.byVersion = db.prepare(`SELECT ${COLS} FROM policies WHERE version = ?`);
    this.latestNumber = db.prepare('SELECT coalesce(max(version), 0) FROM policies').pluck();
  }

  current(): StoredPolicy | null {
    return (this.latest.get() as StoredPolicy | undefined) ?? null;
  }

  get(version: number): StoredPolicy | null {
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new EngineError('BAD_REQUEST', 'invalid policy version', [
        { path: 'version', message: 'must be an integer >= 1' },
      ]);
    }
    return (this.byVersion.get(version) as StoredPolicy | undefined) ?? null;
  }

  /**
   * Optimistic concurrency: the current version is read inside the write transaction (the
   * store is the only writer, so nothing can slip in between the check and the INSERT). A
   * caller that edited a stale version gets CONFLICT and nothing is written.
   * Audit event: action `policy.changed`, subject 'policy', payload
   * `{version, hash, previous_version}` (canonical JSON; previous_version 0 = built-in default).
   */
  put(input: PutPolicyInput): StoredPolicy {
    const p = validate(input);
    return this.audit.write(() => {
      const current = this.latestNumber.get() as number;
      if (current !== p.expected_version) throw staleVersion(current, p.expected_version);
      const row: StoredPolicy = {
        version: current + 1,
        created_at: this.audit.txTimestamp(),
        actor: p.actor,
        document_json: p.document_json,
        hash: p.hash,
      };
      this.insert.run(row.version, row.created_at, row.actor, row.hash, row.document_json);
      const payload_json = canonicalJson({
        version: row.version,
        hash: row.hash,
        previous_version: current,
      });
      this.audit.appendInTx([
        {
          actor: p.actor,
          action: 'policy.changed',
          subject: POLICY_SUBJECT,
          payload_json,
          payload_hash: sha256Hex(payload_json),
        },
      ]);
      return row;
    });
  }
}

function staleVersion(current: number, expected: number): EngineError {
  const message = `the policy is at version ${current}, not ${expected}: reload it and edit again`;
  return new EngineError('CONFLICT', message, [{ path: 'version', message }]);
}
