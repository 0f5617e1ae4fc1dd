/**
 * Models and accounts: save (a new version each time), read, list, assign an account to a model,
 * and the rebalance request of an account. The store writes each version with its audit event.
 */
import type { z } from 'zod';
import { EngineError, zodDetails } from '../../contract/common';
import type {
  AccountContent,
  AccountDetail,
  AccountRebalanceRequestInput,
  AssignAccountRequest,
  ModelContent,
  ModelDetail,
  SaveAccountRequest,
  SaveModelRequest,
} from '../../contract/models';
import { RebalanceRequest } from '../../contract/rebalance';
import { canonicalJson } from '../../domain/canonical';
import type { Store } from '../../ports/store';
import { libraryFor } from './library';
import { rebalanceRequestFor } from './rebalanceRequestFor';

type In<S extends z.ZodType> = z.output<S>;

function notFound(what: 'model' | 'account', id: string, version?: number): EngineError {
  return new EngineError(
    'NOT_FOUND',
    version ? `${what} ${id} has no version ${version}` : `${what} ${id} does not exist`,
    [{ path: version ? 'version' : `${what}_id`, message: 'not found' }],
  );
}

function found(store: Store, what: 'model' | 'account', id: string, version?: number) {
  const repo = what === 'model' ? store.models : store.accounts;
  const v = repo.get(id, version);
  if (!v) throw notFound(what, id, version);
  return { v, versions: repo.versions(id) };
}

export function modelDetail(store: Store, model_id: string, version?: number): ModelDetail {
  const { v, versions } = found(store, 'model', model_id, version);
  return {
    model_id: v.id,
    name: v.name,
    version: v.version,
    created_at: v.created_at,
    content_hash: v.content_hash,
    // Checked by ModelContent when saved; its hash is bound to the audit chain.
    content: JSON.parse(v.content_json) as ModelContent,
    versions,
  };
}

export function accountDetail(store: Store, account_id: string, version?: number): AccountDetail {
  const { v, versions } = found(store, 'account', account_id, version);
  return {
    account_id: v.id,
    name: v.name,
    model_id: v.model_id,
    version: v.version,
    created_at: v.created_at,
    content_hash: v.content_hash,
    content: JSON.parse(v.content_json) as AccountContent,
    versions,
  };
}

/** expected_version > 0 names a version of an existing record: the id is then required. */
function needId(id: string | undefined, expected: number | undefined, field: string): void {
  if (id === undefined && expected !== undefined && expected > 0)
    throw new EngineError('BAD_REQUEST', `${field} is required with expected_version > 0`, [
      { path: field, message: 'required when expected_version > 0' },
    ]);
}

export function saveModel(store: Store, input: In<typeof SaveModelRequest>, actor: string) {
  needId(input.model_id, input.expected_version, 'model_id');
  const saved = store.models.save({
    ...(input.model_id !== undefined ? { id: input.model_id } : {}),
    name: input.name,
    content_json: canonicalJson(input.content),
    ...(input.expected_version !== undefined ? { expected_version: input.expected_version } : {}),
    actor,
  });
  return modelDetail(store, saved.id, saved.version);
}

export function saveAccount(store: Store, input: In<typeof SaveAccountRequest>, actor: string) {
  needId(input.account_id, input.expected_version, 'account_id');
  // model_id absent keeps the assignment of the version being edited.
  const current = input.account_id !== undefined ? store.accounts.get(input.account_id) : null;
  const model_id = input.model_id !== undefined ? input.model_id : (current?.model_id ?? null);
  const saved = store.accounts.save({
    ...(input.account_id !== undefined ? { id: input.account_id } : {}),
    name: input.name,
    content_json: canonicalJson(input.content),
    model_id,
    ...(input.expected_version !== undefined ? { expected_version: input.expected_version } : {}),
    actor,
  });
  return accountDetail(store, saved.id, saved.version);
}

/**
 * Makes the account follow `model_id` (null: none) in a new version with an `account.assigned`
 * event; positions and cash are those of the latest version. The same model again writes nothing.
 */
export function assignAccount(
  store: Store,
  input: In<typeof AssignAccountRequest>,
  actor: string,
): AccountDetail {
  const cur = store.accounts.get(input.account_id);
  if (!cur) throw notFound('account', input.account_id);
  const expected = input.expected_version ?? cur.version;
  if (cur.model_id === input.model_id && expected === cur.version)
    return accountDetail(store, cur.id, cur.version);
  const saved = store.accounts.save({
    id: cur.id,
    name: cur.name,
    content_json: cur.content_json,
    model_id: input.model_id,
    expected_version: expected,
    actor,
    origin: 'assigned',
  });
  return accountDetail(store, saved.id, saved.version);
}

export function listModels(store: Store) {
  return {
    models: store.models.list().map((m) => ({
      model_id: m.id,
      name: m.name,
      created_at: m.created_at,
      latest_version: m.latest_version,
      updated_at: m.updated_at,
    })),
  };
}

export function listAccounts(store: Store, model_id?: string) {
  return {
    accounts: store.accounts.list(model_id !== undefined ? { model_id } : {}).map((a) => ({
      account_id: a.id,
      name: a.name,
      model_id: a.model_id,
      created_at: a.created_at,
      latest_version: a.latest_version,
      updated_at: a.updated_at,
    })),
  };
}

/** The stored account's rebalance request (latest account, model and library versions). */
export function accountRebalanceRequest(
  store: Store,
  input: In<typeof AccountRebalanceRequestInput>,
): RebalanceRequest {
  const account = accountDetail(store, input.account_id);
  if (account.model_id === null)
    throw new EngineError('CONFLICT', `account ${account.account_id} follows no model`, [
      {
        path: 'model_id',
        message: 'assign a model first (POST /api/accounts/{account_id}/assign)',
      },
    ]);
  const model = modelDetail(store, account.model_id);
  const symbols = [
    ...model.content.targets.map((t) => t.asset),
    ...account.content.positions.map((p) => p.asset),
  ];
  const built = rebalanceRequestFor(account, model, libraryFor(store, symbols), input);
  if (!built.ok)
    throw new EngineError(built.error.code, built.error.message, built.error.details ?? []);
  // Checked here, so a model and an account that cannot make a valid request (a bound naming an
  // asset the request lacks…) are told now, not when the body is posted.
  const valid = RebalanceRequest.safeParse(built.request);
  if (!valid.success)
    throw new EngineError(
      'CONFLICT',
      `account ${account.account_id} with model ${model.model_id} does not make a valid rebalance request`,
      zodDetails(valid.error),
    );
  return valid.data;
}
