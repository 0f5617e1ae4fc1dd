/**
 * The supervisor's policy in force (GET /api/policy): version, who changed it and when, the
 * limits every run is checked against, data-health severities, pre-trade controls, restricted
 * assets and stress shocks. A JSON editor stores a new version (PUT /api/policy): the engine
 * validates it and answers every problem with its field path, or 409 when someone else stored a
 * version meanwhile.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import type { RpcError } from '../../src/contract/common';
import { checkValue, onBreachLabel, severityTone } from './agents';
import { call, callUnchecked } from '../shared/api';
import { dateTime, DASH, num, pct, shortHash } from '../shared/format';
import { prettyJson } from '../shared/json';
import type { Policy } from '../shared/types';
import { Empty } from '../shared/ui';

const LIMIT_LABELS: Record<string, string> = {
  max_turnover: 'Turnover (one-way)',
  max_asset_weight: 'Largest asset weight',
  max_asset_class_weight: 'Largest asset-class weight',
  max_var_95: 'VaR 95% (1-day, proposed)',
  max_cvar_95: 'CVaR 95% (1-day, proposed)',
  max_tracking_error: 'Tracking error to target',
  max_stress_loss: 'Worst stress loss',
  min_cash_weight: 'Cash after trades (minimum)',
  max_assets_outside_band: 'Assets outside their band after trades',
};

const PRE_TRADE: { key: keyof Policy['pre_trade']; label: string; fmt: (x: number) => string }[] = [
  { key: 'max_order_notional', label: 'Largest order notional', fmt: (x) => num(x, 0) },
  { key: 'max_order_nav_fraction', label: 'Largest order, share of NAV', fmt: (x) => pct(x) },
  { key: 'price_collar', label: 'Price collar |price / last − 1|', fmt: (x) => pct(x) },
  { key: 'min_trade_value', label: 'Smallest order value', fmt: (x) => num(x, 0) },
  { key: 'max_child_notional', label: 'Child order slice above', fmt: (x) => num(x, 0) },
];

type Save =
  | { state: 'idle' }
  | { state: 'saving' }
  | { state: 'saved'; version: number }
  | { state: 'error'; error: RpcError };

export function PolicyView() {
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [error, setError] = useState<RpcError | null>(null);
  const [seq, setSeq] = useState(0);
  const [text, setText] = useState('');
  const [save, setSave] = useState<Save>({ state: 'idle' });
  const editorId = useId();

  const load = useCallback(async () => {
    const r = await call('getPolicy', {});
    if (r.ok) {
      setPolicy(r.value);
      setText(prettyJson(r.value));
      setError(null);
    } else setError(r.error);
    setSeq((n) => n + 1);
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const doSave = async () => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      setSave({
        state: 'error',
        error: {
          code: 'BAD_REQUEST',
          message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
        },
      });
      setSeq((n) => n + 1);
      return;
    }
    setSave({ state: 'saving' });
    const r = await callUnchecked('putPolicy', body);
    if (r.ok) {
      setPolicy(r.value);
      setText(prettyJson(r.value));
      setSave({ state: 'saved', version: r.value.version });
    } else setSave({ state: 'error', error: r.error });
    setSeq((n) => n + 1);
  };

  const state = error ? 'error' : policy ? 'ready' : 'loading';
  const dirty = policy !== null && text !== prettyJson(policy);

  return (
    <div
      className="page policy-page"
      data-testid="policy-view"
      data-state={state}
      data-seq={seq}
      data-save={save.state}
    >
      <div className="page-head">
        <h2 className="page-title">Policy in force</h2>
        {policy ? (
          <>
            <span
              className="badge policy-version"
              data-testid="policy-version"
              data-version={policy.version}
            >
              version {policy.version}
            </span>
            <span className="strong" data-testid="policy-name">
              {policy.name}
            </span>
            <span className="muted small" data-testid="policy-updated">
              {policy.version === 0
                ? 'built-in default, never edited'
                : `updated ${dateTime(policy.updated_at)}${policy.updated_by ? ` by ${policy.updated_by}` : ''}`}{' '}
              · SHA-256 <code title={policy.hash}>{shortHash(policy.hash, 12)}</code>
            </span>
          </>
        ) : null}
        <span className="spacer" />
        <button
          type="button"
          className="btn"
          data-testid="policy-refresh"
          title="Reload the policy in force"
          onClick={() => void load()}
        >
          Refresh
        </button>
      </div>

      {error ? (
        <div className="errors" role="alert" data-testid="policy-error">
          <div className="errors-title">{error.code}</div>
          <div className="small">{error.message}</div>
        </div>
      ) : null}
      {state === 'loading' ? <div className="muted small">Loading the policy…</div> : null}

      {policy ? (
        <div className="policy-grid">
          <div className="policy-col">
            <PolicyLimits policy={policy} />
            <PreTrade policy={policy} />
          </div>
          <div className="policy-col">
            <Severities policy={policy} />
            <Stress policy={policy} />
          </div>
        </div>
      ) : null}

      {policy ? (
        <section className="form-panel policy-edit" aria-label="Edit the policy">
          <div className="block-head">
            <h3 className="sub-title">
              <label htmlFor={editorId}>Edit as JSON</label>
            </h3>
            <span className="muted small">
              Change the document and store it as version {policy.version + 1}; keep{' '}
              <code>&quot;version&quot;: {policy.version}</code> (the version you edited: if someone
              stored another meanwhile, the engine answers 409). Every later run is checked against
              it; runs already saved keep the version they were checked against.
            </span>
          </div>
          <textarea
            id={editorId}
            className="policy-editor"
            data-testid="policy-editor"
            aria-label="Policy JSON"
            spellCheck={false}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              if (save.state !== 'saving') setSave({ state: 'idle' });
            }}
          />
          <div className="form-actions">
            <button
              type="button"
              className="btn primary"
              data-testid="policy-save"
              title="Store as a new policy version"
              disabled={!dirty || save.state === 'saving'}
              onClick={() => void doSave()}
            >
              {save.state === 'saving' ? 'Saving…' : `Save as version ${policy.version + 1}`}
            </button>
            <button
              type="button"
              className="btn"
              data-testid="policy-revert"
              title="Discard the edits"
              disabled={!dirty}
              onClick={() => {
                setText(prettyJson(policy));
                setSave({ state: 'idle' });
              }}
            >
              Revert
            </button>
            {dirty ? <span className="muted small">edited</span> : null}
            {save.state === 'saved' ? (
              <span className="note-ok small" data-testid="policy-saved" role="status">
                Stored as version {save.version}. New runs are checked against it.
              </span>
            ) : null}
          </div>
          {save.state === 'error' ? (
            <div
              className="errors"
              role="alert"
              data-testid="policy-save-error"
              data-code={save.error.code}
            >
              <div className="errors-title">
                {save.error.code === 'CONFLICT'
                  ? 'CONFLICT: the policy changed meanwhile'
                  : `${save.error.code}: not stored`}
              </div>
              <div className="small" data-testid="policy-save-message">
                {save.error.message}
              </div>
              {save.error.details?.length ? (
                <ul data-testid="policy-field-errors">
                  {save.error.details.map((d, i) => (
                    <li key={i} data-testid="policy-field-error" data-path={d.path}>
                      <span className="path">{d.path}</span> {d.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function PolicyLimits({ policy }: { policy: Policy }) {
  const titleId = useId();
  const limits = Object.entries(policy.limits) as [
    string,
    { limit: number; on_breach: string } | null,
  ][];
  return (
    <section className="block" aria-labelledby={titleId}>
      <h3 className="sub-title" id={titleId}>
        Limits <span className="count">{limits.length}</span>
        <span className="sub-note">
          sign-off {policy.require_sign_off ? 'required on every run' : 'not required'}
        </span>
      </h3>
      <table className="grid compact" data-testid="policy-limits" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th>Limit</th>
            <th className="n">Value</th>
            <th>On breach</th>
          </tr>
        </thead>
        <tbody>
          {limits.map(([k, v]) => (
            <tr
              key={k}
              data-testid="policy-limit-row"
              data-limit={k}
              className={v ? '' : 'row-quiet'}
            >
              <td title={k}>
                {LIMIT_LABELS[k] ?? k} <span className="muted small mono">{k}</span>
              </td>
              <td className="n">{v ? checkValue(k, v.limit) : 'off'}</td>
              <td className={v?.on_breach === 'reject' ? 'neg' : ''}>
                {v ? onBreachLabel(v.on_breach) : DASH}
              </td>
            </tr>
          ))}
          <tr data-testid="policy-limit-row" data-limit="restricted_assets">
            <td>
              Restricted assets <span className="muted small mono">restricted_assets</span>
            </td>
            <td className="n" data-testid="policy-restricted">
              {policy.restricted_assets.length ? policy.restricted_assets.join(', ') : 'none'}
            </td>
            <td className={policy.restricted_on_breach === 'reject' ? 'neg' : ''}>
              {onBreachLabel(policy.restricted_on_breach)}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

function PreTrade({ policy }: { policy: Policy }) {
  const titleId = useId();
  const p = policy.pre_trade;
  return (
    <section className="block" aria-labelledby={titleId}>
      <h3 className="sub-title" id={titleId}>
        Pre-trade controls
        <span className="sub-note">a blocked order → {onBreachLabel(p.on_block)}</span>
      </h3>
      <table className="grid compact" data-testid="policy-pretrade" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th>Control</th>
            <th className="n">Value</th>
          </tr>
        </thead>
        <tbody>
          {PRE_TRADE.map((c) => {
            const v = p[c.key];
            return (
              <tr key={c.key} data-testid="policy-pretrade-row" data-control={c.key}>
                <td title={c.key}>
                  {c.label} <span className="muted small mono">{c.key}</span>
                </td>
                <td className="n">{typeof v === 'number' ? c.fmt(v) : 'off'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Severities({ policy }: { policy: Policy }) {
  const titleId = useId();
  const dh = policy.data_health;
  const sev = Object.entries(dh.severities);
  return (
    <section className="block" aria-labelledby={titleId}>
      <h3 className="sub-title" id={titleId}>
        Data-health severities <span className="count">{sev.length}</span>
      </h3>
      <table className="grid compact" data-testid="policy-severities" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th>Check</th>
            <th>Severity</th>
          </tr>
        </thead>
        <tbody>
          {sev.map(([k, v]) => (
            <tr key={k} data-testid="policy-severity-row" data-check={k} data-severity={v}>
              <td className="mono">{k}</td>
              <td>
                <span className={`badge tone-${severityTone(v)}`}>{v}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="kv policy-kv" data-testid="policy-tolerances">
        <dt>Weights sum within</dt>
        <dd>± {pct(dh.weight_sum_tolerance)}</dd>
        <dt>Price vs last history price</dt>
        <dd>± {pct(dh.price_tolerance)}</dd>
        <dt>History age at most</dt>
        <dd>{dh.max_history_age_days} days</dd>
        <dt>Gap between dates at most</dt>
        <dd>{dh.max_gap_days} days</dd>
        <dt>Daily return outlier above</dt>
        <dd>{pct(dh.outlier_return_bound)}</dd>
        <dt>History at least</dt>
        <dd>{dh.min_history_returns} daily returns</dd>
      </dl>
    </section>
  );
}

function Stress({ policy }: { policy: Policy }) {
  const titleId = useId();
  const shocks = policy.stress.shocks;
  const proxies = Object.entries(policy.stress.proxies);
  return (
    <section className="block" aria-labelledby={titleId}>
      <h3 className="sub-title" id={titleId}>
        Stress shocks <span className="count">{shocks.length}</span>
      </h3>
      {shocks.length === 0 ? (
        <Empty>No shock: only the historical windows are applied.</Empty>
      ) : (
        <table className="grid compact" data-testid="policy-shocks" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th>Shock</th>
              <th>Returns applied</th>
            </tr>
          </thead>
          <tbody>
            {shocks.map((s) => (
              <tr key={s.name} data-testid="policy-shock-row">
                <td className="strong">{s.name}</td>
                <td className="small">
                  {[...Object.entries(s.by_class), ...Object.entries(s.by_asset)]
                    .map(([k, v]) => `${k} ${v !== undefined && v > 0 ? '+' : ''}${pct(v, 0)}`)
                    .join(' · ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="small muted policy-proxies">
        Proxies for historical windows:{' '}
        {proxies.length ? proxies.map(([a, p]) => `${a} → ${p}`).join(', ') : 'none'}
      </div>
    </section>
  );
}
