/**
 * The compact Method control above the request editor. It edits `method`, `risk_aversion`,
 * `covariance.estimator` and `whole_lots` in the editor's JSON (renderer/method.ts): the text
 * stays the single source of truth, so what is run is always what the editor shows.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  COVARIANCE_ESTIMATORS,
  ESTIMATOR_LABELS,
  METHOD_DEFAULTS,
  METHOD_LABELS,
  REBALANCE_METHODS,
  readMethod,
  writeMethod,
  type CovEstimator,
  type MethodFields,
} from './method';
import type { RebalanceMethod } from '../../src/contract/optimize';

export function MethodControl({ text, onChange }: { text: string; onChange: (t: string) => void }) {
  // Read from the live text (not a deferred copy): a controlled checkbox or select showing a
  // value one render late would flick back under the click. JSON.parse of a year of prices for
  // dozens of assets takes well under a millisecond per key.
  const read = useMemo(() => readMethod(text), [text]);
  const f: MethodFields = read.ok ? read.fields : METHOD_DEFAULTS;
  const disabled = !read.ok;
  const optimized = f.method !== 'threshold';

  const set = (patch: Partial<MethodFields>) => {
    const next = writeMethod(text, patch);
    if (next !== null) onChange(next);
  };

  return (
    <fieldset
      className="method-ctl"
      data-testid="method-control"
      data-enabled={disabled ? 'false' : 'true'}
      disabled={disabled}
    >
      <div className="method-row">
        <label className="method-field grow">
          <span>Method</span>
          <select
            data-testid="method-select"
            value={f.method}
            onChange={(e) => set({ method: e.target.value as RebalanceMethod })}
          >
            {REBALANCE_METHODS.map((m) => (
              <option key={m} value={m}>
                {METHOD_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        {f.method === 'mean_variance' ? (
          <RiskAversion value={f.risk_aversion} onCommit={(x) => set({ risk_aversion: x })} />
        ) : null}
      </div>
      {optimized ? (
        <div className="method-row">
          <label className="method-field grow">
            <span>Covariance</span>
            <select
              data-testid="method-estimator"
              value={f.estimator}
              onChange={(e) => set({ estimator: e.target.value as CovEstimator })}
            >
              {COVARIANCE_ESTIMATORS.map((m) => (
                <option key={m} value={m}>
                  {ESTIMATOR_LABELS[m]}
                </option>
              ))}
            </select>
          </label>
          <label
            className="method-check"
            title="Trade whole lots (each asset's lot_size) exactly, by branch-and-bound"
          >
            <input
              type="checkbox"
              data-testid="method-whole-lots"
              checked={f.whole_lots}
              onChange={(e) => set({ whole_lots: e.target.checked })}
            />
            Whole lots
          </label>
        </div>
      ) : null}
      {read.ok ? null : (
        <div className="method-hint" data-testid="method-hint">
          {read.reason}
        </div>
      )}
    </fieldset>
  );
}

/**
 * λ of mean_variance. Typed as a draft (so "0." or an empty box are not rewritten under the
 * cursor) and written to the JSON whenever the draft is a valid number in [0, 10 000].
 */
function RiskAversion({ value, onCommit }: { value: number; onCommit: (x: number) => void }) {
  const [draft, setDraft] = useState(String(value));
  useEffect(() => {
    // The JSON changed from elsewhere (typed in the editor, Revert): follow it.
    setDraft((d) => (Number(d) === value && d.trim() !== '' ? d : String(value)));
  }, [value]);
  const x = Number(draft);
  const valid = draft.trim() !== '' && Number.isFinite(x) && x >= 0 && x <= 1e4;
  return (
    <label
      className="method-field lambda"
      title="Risk aversion λ in max (μ − r_f)ᵀw − λ/2 · wᵀΣw − costs (0 to 10,000)"
    >
      <span>λ</span>
      <input
        type="text"
        inputMode="decimal"
        data-testid="method-risk-aversion"
        aria-label="Risk aversion λ"
        aria-invalid={!valid}
        className={valid ? '' : 'invalid'}
        value={draft}
        onChange={(e) => {
          setDraft(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 1e4) onCommit(n);
        }}
      />
    </label>
  );
}
