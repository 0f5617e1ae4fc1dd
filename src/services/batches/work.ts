/**
 * What an executor needs to compute a batch's pending items, read back from the store: the
 * shared part (the policy version, model version, settings and price-library versions the batch
 * was created with, its creation time as every run's clock) and one job per pending item. Built
 * from stored versions only, so a batch resumed after a restart computes what it would have.
 */
import { EngineError } from '../../contract/common';
import type { AccountContent, ModelContent } from '../../contract/models';
import type { RebalanceRequestInput } from '../../contract/rebalance';
import type { BatchItemRecord, BatchRecord, SeriesContent, Store } from '../../ports/store';
import { policyVersion } from '../policy';
import type { BatchJob, BatchRunSettings, BatchShared } from './job';

/** The idempotency key of item `index`: `${batch_id}:${index}`. */
export const jobKey = (batch_id: string, index: number) => `${batch_id}:${index}`;

/**
 * The index a key names in batch `batch_id`, or null when it names another batch or none.
 * Example: `keyIndex('01J…', '01J…:7')` → 7.
 */
export function keyIndex(batch_id: string, key: string): number | null {
  const prefix = `${batch_id}:`;
  if (!key.startsWith(prefix)) return null;
  const digits = key.slice(prefix.length);
  return /^\d+$/.test(digits) ? Number(digits) : null;
}

const lost = (what: string) =>
  new EngineError('INTERNAL', `a stored batch names ${what}, which is not stored`);

/**
 * The part every item of `b` shares (sent once per batch to an executor). Example: a model batch
 * of `growth` v2 with library {SPY: 1} → `{batch_id, policy, settings, pinned_now: b.created_at,
 * model: {model_id: 'growth', content: <v2>}, library: {SPY: <v1 closes>}}`.
 */
export function batchShared(store: Store, b: BatchRecord): BatchShared {
  const policy = policyVersion(store, b.policy_version);
  if (policy === null) throw lost(`policy version ${b.policy_version}`);
  // Request batches store `null`: their items carry their own settings.
  const settings = (JSON.parse(b.settings_json) as BatchRunSettings | null) ?? {
    history_days: 756,
  };
  const shared: BatchShared = { batch_id: b.batch_id, policy, settings, pinned_now: b.created_at };
  if (b.kind !== 'model' || b.model_id === null || b.model_version === null) return shared;
  const model = store.models.get(b.model_id, b.model_version);
  if (model === null) throw lost(`model ${b.model_id} version ${b.model_version}`);
  const library: Record<string, SeriesContent> = {};
  for (const [symbol, version] of Object.entries(
    JSON.parse(b.library_json) as Record<string, number>,
  )) {
    const v = store.priceLibrary.get(symbol, version);
    if (v === null) throw lost(`price series ${symbol} version ${version}`);
    library[symbol] = JSON.parse(v.content_json) as SeriesContent;
  }
  return {
    ...shared,
    model: { model_id: b.model_id, content: JSON.parse(model.content_json) as ModelContent },
    library,
  };
}

/**
 * The job of one pending item: its account version, or its stored request. Example: item 3,
 * ACC-7 v2 → `{key: '<batch_id>:3', index: 3, spec: {kind: 'account', account: {account_id:
 * 'ACC-7', content: <v2>}}}`.
 */
export function batchJob(store: Store, it: BatchItemRecord): BatchJob {
  const key = jobKey(it.batch_id, it.index);
  if (it.account_id !== null && it.account_version !== null) {
    const a = store.accounts.get(it.account_id, it.account_version);
    if (a === null) throw lost(`account ${it.account_id} version ${it.account_version}`);
    const content = JSON.parse(a.content_json) as AccountContent;
    return {
      key,
      index: it.index,
      spec: { kind: 'account', account: { account_id: a.id, content } },
    };
  }
  const request = JSON.parse(it.request_json ?? 'null') as RebalanceRequestInput;
  return { key, index: it.index, spec: { kind: 'request', request } };
}
