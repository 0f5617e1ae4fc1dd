/**
 * A batch as the store will keep it, from a checked POST /api/batches body: which accounts (or
 * requests), the model version, the policy version in force, the run settings and the versions
 * of the price-library series the items will read — everything an item needs to be computed
 * again after a restart, and to give the same result.
 */
import type { z } from 'zod';
import { BATCH_LIMITS, BatchSettings, type CreateBatchRequest } from '../../contract/batches';
import { EngineError, type ErrorDetail } from '../../contract/common';
import type { AccountContent, ModelContent } from '../../contract/models';
import { canonicalJson } from '../../domain/canonical';
import type { CreateBatchInput, Store } from '../../ports/store';
import { policyInForce } from '../policy';

type Input = z.output<typeof CreateBatchRequest>;

/** Accounts read between two pauses (about 10 ms of reads and parsing). */
export const SLICE = 250;

/**
 * Checks the body against the store and returns the batch to create. Model batches: the model
 * must exist (404 naming model_id), each named account must exist (404 naming account_ids.N) and
 * follow the model (409 naming account_ids.N); without account_ids, every account whose latest
 * version follows the model, by id (409 naming model_id when there is none). Request batches:
 * a request's portfolio_id must name a stored portfolio (404 naming requests.N.portfolio_id).
 *
 * `pause` gives the event loop a turn between slices of SLICE accounts.
 *
 * Example: model `growth` v2 followed by ACC-1 (v3, holding SPY, AGG) and a library with SPY v1,
 * AGG v4 → `{kind: 'model', model: {model_id: 'growth', version: 2}, policy_version: 0,
 * settings_json: '{"history_days":756}', library_json: '{"AGG":4,"SPY":1}', items:
 * [{account_id: 'ACC-1', account_version: 3}], actor}`.
 */
export async function planBatch(
  store: Store,
  input: Input,
  actor: string,
  pause: () => Promise<void> = () => Promise.resolve(),
): Promise<CreateBatchInput> {
  const policy_version = policyInForce(store).version;
  if (input.requests !== undefined)
    return planRequests(store, input.requests, policy_version, actor);
  const model_id = input.model_id as string;
  const model = store.models.get(model_id);
  if (model === null)
    throw new EngineError('NOT_FOUND', `model ${model_id} does not exist`, [
      { path: 'model_id', message: 'no such model' },
    ]);
  const given = input.account_ids !== undefined;
  const ids = given
    ? (input.account_ids as string[])
    : store.accounts
        .list({ model_id })
        .map((a) => a.id)
        .sort();
  if (ids.length === 0)
    throw new EngineError('CONFLICT', `no account follows model ${model_id}`, [
      {
        path: 'model_id',
        message: 'assign accounts to the model first (POST /api/accounts/{account_id}/assign)',
      },
    ]);
  if (ids.length > BATCH_LIMITS.maxAccounts)
    throw new EngineError(
      'BAD_REQUEST',
      `${ids.length} accounts follow model ${model_id}; a batch takes at most ${BATCH_LIMITS.maxAccounts}`,
      [{ path: 'account_ids', message: `name at most ${BATCH_LIMITS.maxAccounts} accounts` }],
    );
  const missing: ErrorDetail[] = [];
  const elsewhere: ErrorDetail[] = [];
  const symbols = new Set(
    (JSON.parse(model.content_json) as ModelContent).targets.map((t) => t.asset),
  );
  const items: { account_id: string; account_version: number }[] = [];
  for (const [i, id] of ids.entries()) {
    // Thousands of accounts are read in slices, the event loop free in between.
    if (i > 0 && i % SLICE === 0) await pause();
    const a = store.accounts.get(id);
    const path = given ? `account_ids.${i}` : 'model_id';
    if (a === null) missing.push({ path, message: `no account ${id}` });
    else if (a.model_id !== model_id)
      elsewhere.push({
        path,
        message: `account ${id} follows ${a.model_id === null ? 'no model' : `model ${a.model_id}`}, not ${model_id}`,
      });
    else {
      for (const p of (JSON.parse(a.content_json) as AccountContent).positions)
        symbols.add(p.asset);
      items.push({ account_id: id, account_version: a.version });
    }
  }
  if (missing.length > 0)
    throw new EngineError('NOT_FOUND', `${missing.length} account(s) do not exist`, missing);
  if (elsewhere.length > 0)
    throw new EngineError(
      'CONFLICT',
      `${elsewhere.length} account(s) do not follow model ${model_id}`,
      elsewhere,
    );
  // The latest version of every series the items may read; one an account needs and the library
  // lacks makes that account `unbuilt` (listed among the batch's exceptions), not the batch fail.
  const library: Record<string, number> = {};
  for (const s of store.priceLibrary.list())
    if (symbols.has(s.symbol)) library[s.symbol] = s.version;
  return {
    kind: 'model',
    model: { model_id, version: model.version },
    policy_version,
    settings_json: canonicalJson(BatchSettings.parse(input.settings ?? {})),
    library_json: canonicalJson(library),
    items,
    actor,
  };
}

function planRequests(
  store: Store,
  requests: NonNullable<Input['requests']>,
  policy_version: number,
  actor: string,
): CreateBatchInput {
  const missing: ErrorDetail[] = [];
  requests.forEach((r, i) => {
    if (r.portfolio_id !== undefined && store.portfolios.get(r.portfolio_id) === null)
      missing.push({
        path: `requests.${i}.portfolio_id`,
        message: `no portfolio ${r.portfolio_id}`,
      });
  });
  if (missing.length > 0)
    throw new EngineError(
      'NOT_FOUND',
      `${missing.length} request(s) name no stored portfolio`,
      missing,
    );
  return {
    kind: 'requests',
    policy_version,
    settings_json: 'null',
    library_json: '{}',
    items: requests.map((r) => ({ request_json: canonicalJson(r) })),
    actor,
  };
}
