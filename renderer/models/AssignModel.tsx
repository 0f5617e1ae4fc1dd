/**
 * The model an account follows, as a select: choosing another saves a new account version
 * (`assignAccount`, with the version shown as `expected_version`, so a change made elsewhere
 * meanwhile is refused, not overwritten).
 */
import { useState } from 'react';
import type { RpcError } from '../../src/contract/common';
import type { OpOutput } from '../../src/contract/operations';
import { call } from '../shared/api';
import { plainError } from '../shared/errors';

type ModelRow = OpOutput<'listModels'>['models'][number];
type AccountRow = OpOutput<'listAccounts'>['accounts'][number];

export function AssignModel({
  account,
  models,
  onAssigned,
}: {
  account: AccountRow;
  models: ModelRow[];
  onAssigned: () => void;
}) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<RpcError | null>(null);
  const assign = async (modelId: string | null) => {
    setSaving(true);
    setError(null);
    const r = await call('assignAccount', {
      account_id: account.account_id,
      model_id: modelId,
      expected_version: account.latest_version,
    });
    setSaving(false);
    if (r.ok) onAssigned();
    else setError(r.error);
  };
  const known = account.model_id === null || models.some((m) => m.model_id === account.model_id);
  return (
    <span className="assign">
      <select
        aria-label={`Model followed by ${account.name} (${account.account_id})`}
        data-testid="account-model"
        value={account.model_id ?? ''}
        disabled={saving}
        aria-busy={saving}
        onChange={(e) => void assign(e.target.value === '' ? null : e.target.value)}
      >
        <option value="">— none —</option>
        {!known && account.model_id ? (
          <option value={account.model_id}>{account.model_id}</option>
        ) : null}
        {models.map((m) => (
          <option key={m.model_id} value={m.model_id}>
            {m.name}
          </option>
        ))}
      </select>
      {error ? (
        <span className="form-error small" role="alert" data-testid="account-assign-error">
          {errorLine(error)}
        </span>
      ) : null}
    </span>
  );
}

function errorLine(e: RpcError): string {
  const p = plainError(e);
  return p.message ? `${p.title}: ${p.message}` : p.title;
}
