/**
 * The hashes a batch's audit events bind (schema v9): the item list at creation and every item's
 * outcome at the end. One definition, used by the repository when it writes the events and by
 * verify when it recomputes them from the stored rows.
 */
import { canonicalJson, sha256Hex } from './hash';

/** An item's definition as stored. */
export interface ItemSpecRow {
  idx: number;
  account_id: string | null;
  account_version: number | null;
  request_json: string | null;
}

/** An item's outcome as stored. */
export interface ItemOutcomeRow {
  idx: number;
  state: string;
  run_id: string | null;
  decision: string | null;
  breaches_json: string;
  reasons_json: string;
  error_json: string | null;
}

/**
 * SHA-256 of the canonical JSON of `[[idx, account_id, account_version, sha256(request_json) |
 * null], …]` in index order. Example: one account item ACC-1 v2 →
 * sha256Hex('[[0,"ACC-1",2,null]]').
 */
export function itemsHash(rows: readonly ItemSpecRow[]): string {
  return sha256Hex(
    canonicalJson(
      rows.map((r) => [
        r.idx,
        r.account_id,
        r.account_version,
        r.request_json === null ? null : sha256Hex(r.request_json),
      ]),
    ),
  );
}

/**
 * SHA-256 of the canonical JSON of `[[idx, state, run_id, decision, breaches_json, reasons_json,
 * error_json], …]` in index order (the JSON columns as stored text). Example: one succeeded item
 * → sha256Hex('[[0,"succeeded","01J…","APPROVED","[]","[]",null]]').
 */
export function outcomesHash(rows: readonly ItemOutcomeRow[]): string {
  return sha256Hex(
    canonicalJson(
      rows.map((r) => [
        r.idx,
        r.state,
        r.run_id,
        r.decision,
        r.breaches_json,
        r.reasons_json,
        r.error_json,
      ]),
    ),
  );
}

/**
 * Counts of the final states, as a finishing event records them. Example: states succeeded,
 * succeeded, cancelled → `{succeeded: 2, failed: 0, unbuilt: 0, cancelled: 1}`.
 */
export function stateCounts(rows: readonly { state: string }[]): Record<string, number> {
  const out: Record<string, number> = { succeeded: 0, failed: 0, unbuilt: 0, cancelled: 0 };
  for (const r of rows) out[r.state] = (out[r.state] ?? 0) + 1;
  return out;
}
