/**
 * The compact Method control (in the settings form, and above the JSON in Advanced). It edits
 * `method`, `risk_aversion`, `covariance.estimator`, `covariance.halflife` and `whole_lots` in the
 * editor's JSON (method.ts): the text stays the single source of truth, so what is run is always
 * what the editor shows. λ and the half-life are typed as drafts (inputs/state.tsx): a value the
 * contract refuses is never written nor replaced; it stays in the box, red, with the reason, and
 * blocks Run until it is fixed.
 */
import { useId, useMemo } from 'react';
import {
  COVARIANCE_ESTIMATORS,
  ESTIMATOR_LABELS,
  HRP_LINKAGES,
  LINKAGE_LABELS,
  METHOD_DEFAULTS,
  METHOD_LABELS,
  REBALANCE_METHODS,
  readMethod,
  writeMethod,
  type CovEstimator,
  type HrpLinkage,
  type MethodFields,
} from './method';
import type { RebalanceMethod } from '../../src/contract/optimize';
import { useNumberControl } from './inputs/controls';
import { SETTINGS } from './inputs/fields';
import { StandaloneInputs, useInputsOrNull } from './inputs/state';
import './inputs/inputs.css';

export function MethodControl({ text, onChange }: { text: string; onChange: (t: string) => void }) {
  // Drafts and the Run block live in the request editor; outside one the control keeps its own.
  if (useInputsOrNull()) return <MethodFieldsControl text={text} onChange={onChange} />;
  return (
    <StandaloneInputs text={text} onChange={onChange}>
      <MethodFieldsControl text={text} onChange={onChange} />
    </StandaloneInputs>
  );
}

function MethodFieldsControl({ text, onChange }: { text: string; onChange: (t: string) => void }) {
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
        {f.method === 'mean_variance' || f.method === 'max_quadratic_utility' ? (
          <RiskAversion />
        ) : null}
        {f.method === 'hrp' ? (
          <label className="method-field" title={HRP_LINKAGE_HELP}>
            <span>Linkage</span>
            <select
              data-testid="method-hrp-linkage"
              value={f.hrp_linkage}
              onChange={(e) => set({ hrp_linkage: e.target.value as HrpLinkage })}
            >
              {HRP_LINKAGES.map((m) => (
                <option key={m} value={m}>
                  {LINKAGE_LABELS[m]}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      {f.method === 'efficient_risk' ? (
        <TargetField
          spec={SETTINGS.target_volatility}
          testId="method-target-volatility"
          short="σ target"
        />
      ) : null}
      {f.method === 'efficient_return' ? (
        <TargetField
          spec={SETTINGS.target_return}
          testId="method-target-return"
          short="Return target"
        />
      ) : null}
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
      {optimized && f.estimator === 'ewma' ? <HalfLife /> : null}
      {read.ok ? null : (
        <div className="method-hint" data-testid="method-hint">
          {read.reason}
        </div>
      )}
    </fieldset>
  );
}

/**
 * λ of mean_variance, in [0, 10 000] (the contract's bounds). Typed as a draft: "0." or an empty
 * box are not rewritten under the cursor, and −5 stays −5 in red, with the reason, blocking Run.
 */
function RiskAversion() {
  const c = useNumberControl(SETTINGS.risk_aversion, 'Risk aversion λ');
  const errId = useId();
  return (
    <>
      <label
        className="method-field lambda"
        title="Risk aversion λ in max (μ − r_f)ᵀw − λ/2 · wᵀΣw − costs (0 to 10,000)"
      >
        <span>λ</span>
        <input
          type="text"
          inputMode="decimal"
          data-testid="method-risk-aversion"
          data-path="risk_aversion"
          aria-label="Risk aversion λ"
          aria-invalid={c.problem !== null}
          aria-describedby={c.problem ? errId : undefined}
          className={`${c.problem ? 'invalid' : ''} ${c.isDefault ? 'is-default' : ''}`}
          value={c.text}
          onChange={(e) => c.onChange(e.target.value)}
          onBlur={c.onBlur}
        />
      </label>
      {c.problem ? (
        <span
          id={errId}
          className="method-error"
          data-testid="method-error"
          data-source={c.problem.source}
          role={c.problem.source === 'client' ? 'alert' : undefined}
        >
          λ {c.problem.message}
        </span>
      ) : null}
    </>
  );
}

const HRP_LINKAGE_HELP =
  'Tree clustering of hierarchical risk parity on the correlation distance √((1 − ρ)/2), as scipy’s linkage (single is PyPortfolioOpt’s default)';

/**
 * The target of efficient_risk (annual volatility) or efficient_return (annual expected return),
 * typed in percent; required by its method, so an empty box blocks Run with the reason.
 */
function TargetField({
  spec,
  testId,
  short,
}: {
  spec: (typeof SETTINGS)['target_volatility'];
  testId: string;
  short: string;
}) {
  const c = useNumberControl(spec);
  const errId = useId();
  return (
    <div className="method-row">
      <label className="method-field grow" title={spec.description}>
        <span>{short}</span>
        <input
          type="text"
          inputMode="decimal"
          data-testid={testId}
          data-path={spec.path}
          aria-label={spec.label}
          aria-invalid={c.problem !== null}
          aria-describedby={c.problem ? errId : undefined}
          className={c.problem ? 'invalid' : ''}
          value={c.text}
          onChange={(e) => c.onChange(e.target.value)}
          onBlur={c.onBlur}
        />
        <span className="unit">%</span>
      </label>
      {c.problem ? (
        <span
          id={errId}
          className="method-error"
          data-testid="method-error"
          data-source={c.problem.source}
        >
          {c.problem.message}
        </span>
      ) : null}
    </div>
  );
}

/** The EWMA half-life in trading days (ewma only). */
function HalfLife() {
  const c = useNumberControl(SETTINGS.halflife, 'EWMA half-life');
  const errId = useId();
  return (
    <div className="method-row">
      <label className="method-field grow" title={SETTINGS.halflife.description}>
        <span>Half-life</span>
        <input
          type="text"
          inputMode="decimal"
          data-testid="method-halflife"
          data-path="covariance.halflife"
          aria-label="EWMA half-life in trading days"
          aria-invalid={c.problem !== null}
          aria-describedby={c.problem ? errId : undefined}
          className={`${c.problem ? 'invalid' : ''} ${c.isDefault ? 'is-default' : ''}`}
          value={c.text}
          onChange={(e) => c.onChange(e.target.value)}
          onBlur={c.onBlur}
        />
        <span className="unit">days</span>
      </label>
      {c.problem ? (
        <span
          id={errId}
          className="method-error"
          data-testid="method-error"
          data-source={c.problem.source}
        >
          {c.problem.message}
        </span>
      ) : null}
    </div>
  );
}
