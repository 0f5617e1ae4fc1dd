/**
 * The request's settings as a form: portfolio, bands and trading, risk and benchmark, Monte Carlo
 * and the method. Every control reads its field from the editor's JSON and writes it back (the
 * JSON stays the one source of truth); values are typed in a PM's units (percent, bps, money),
 * checked against the contract's bounds, and an invalid one blocks Run with its reason.
 */
import type { ReactNode } from 'react';
import { MethodControl } from '../MethodControl';
import { FieldShell, NumberField, useTextControl } from './controls';
import {
  BENCHMARK_NAME_MAX,
  HELP,
  MAX_PATH_STEPS,
  REBALANCE_TO,
  REBALANCE_TO_HELP,
  REBALANCE_TO_LABELS,
  SETTINGS,
} from './fields';
import { formatStored, parseNumber, showBound } from './numbers';
import { getAt, isObject } from './request';
import { useInputs } from './state';

const withHelp = <K extends keyof typeof SETTINGS>(k: K) => ({
  ...SETTINGS[k],
  description: SETTINGS[k].description ?? HELP[k],
});

export function SettingsForm({
  text,
  onChange,
  onShowJson,
}: {
  text: string;
  onChange: (t: string) => void;
  onShowJson: () => void;
}) {
  const api = useInputs();
  if (!api.req)
    return (
      <div className="settings" data-testid="settings-form" data-enabled="false">
        <div className="inputs-hint" data-testid="settings-hint">
          {api.reason}
          <button type="button" className="link" onClick={onShowJson}>
            Open Advanced (JSON)
          </button>
        </div>
      </div>
    );
  return (
    <div className="settings" data-testid="settings-form" data-enabled="true">
      <Section title="Portfolio">
        <NumberField spec={withHelp('portfolio_value')} testId="setting-portfolio-value" />
        <CurrencyField />
        <NumberField
          spec={withHelp('cash_flow')}
          testId="setting-cash-flow"
          hint="+ money to invest, − money to raise"
        />
      </Section>
      <Section title="Bands and trading">
        <NumberField
          spec={withHelp('drift_threshold')}
          testId="setting-band"
          hint="percentage points of weight, each side of the target"
        />
        <RebalanceToField />
        <NumberField
          spec={withHelp('turnover_limit')}
          testId="setting-turnover"
          hint="one-way: Σ|Δw| / 2 of the portfolio"
        />
        <NumberField
          spec={withHelp('transaction_cost_bps')}
          testId="setting-cost-bps"
          hint="of the traded value; 100 bps = 1%"
        />
        <NumberField
          spec={withHelp('fixed_fee_per_trade')}
          testId="setting-fixed-fee"
          hint="per order"
        />
        <MinTradeField />
      </Section>
      <Section title="Risk and benchmark">
        <NumberField spec={withHelp('risk_free_rate')} testId="setting-risk-free" />
        <BenchmarkField />
        <HistoryStatus />
      </Section>
      <Section title="Monte Carlo">
        <MonteCarloFields />
      </Section>
      <Section title="Method">
        <div className="fld wide">
          <MethodControl text={text} onChange={onChange} />
        </div>
      </Section>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="settings-section">
      <legend>{title}</legend>
      <div className="settings-grid">{children}</div>
    </fieldset>
  );
}

/** The currency: a three-letter ISO 4217 code in capitals (the contract's pattern). */
function CurrencyField() {
  const c = useTextControl(
    'currency',
    'Currency',
    (raw) =>
      raw.trim() === ''
        ? { value: undefined }
        : /^[A-Z]{3}$/.test(raw)
          ? { value: raw }
          : { error: 'a three-letter ISO code in capitals, e.g. USD or EUR' },
    (v) =>
      v === undefined || (typeof v === 'string' && /^[A-Z]{3}$/.test(v))
        ? null
        : 'a three-letter ISO code in capitals, e.g. USD or EUR',
  );
  const api = useInputs();
  const absent = getAt(api.req, 'currency') === undefined;
  return (
    <FieldShell
      label="Currency"
      title="ISO 4217 code of the portfolio currency; every amount is in it."
      problem={c.problem}
      render={(ids) => (
        <input
          id={ids.input}
          type="text"
          className={`short ${c.problem ? 'invalid' : ''}`}
          data-testid="setting-currency"
          data-path="currency"
          aria-invalid={c.problem !== null}
          aria-describedby={ids.describedBy}
          maxLength={8}
          placeholder={absent ? 'USD (default)' : ''}
          value={c.text}
          onChange={(e) => c.onChange(e.target.value)}
          onBlur={c.onBlur}
        />
      )}
    />
  );
}

function RebalanceToField() {
  const api = useInputs();
  const stored = getAt(api.req, 'rebalance_to');
  const value = typeof stored === 'string' ? stored : 'target';
  const known = REBALANCE_TO.includes(value);
  const server = api.serverAt('rebalance_to')[0];
  const problem = !known
    ? { message: `must be one of: ${REBALANCE_TO.join(', ')}`, source: 'client' as const }
    : server
      ? { message: server.message, source: 'server' as const }
      : null;
  return (
    <FieldShell
      label="Rebalance to"
      title={REBALANCE_TO_HELP}
      problem={problem}
      render={(ids) => (
        <select
          id={ids.input}
          data-testid="setting-rebalance-to"
          data-path="rebalance_to"
          aria-invalid={problem !== null}
          aria-describedby={ids.describedBy}
          value={value}
          onChange={(e) => api.commit([{ path: 'rebalance_to', value: e.target.value }])}
        >
          {REBALANCE_TO.map((o) => (
            <option key={o} value={o}>
              {REBALANCE_TO_LABELS[o] ?? o}
              {stored === undefined && o === 'target' ? ' (default)' : ''}
            </option>
          ))}
          {known ? null : <option value={value}>{value} (not an option)</option>}
        </select>
      )}
    />
  );
}

/**
 * The minimum trade, which the contract keeps per asset: shown when every asset has the same one
 * (absent = the default 0), "varies" otherwise; a value typed here is set on every asset.
 */
function MinTradeField() {
  const api = useInputs();
  const spec = withHelp('min_trade_value');
  const assets = Array.isArray(api.req?.assets) ? (api.req.assets as unknown[]) : [];
  const values = assets.map((a) =>
    isObject(a) ? (a.min_trade_value ?? spec.defaultValue ?? 0) : undefined,
  );
  const first = values[0];
  const same = values.length > 0 && values.every((v) => v === first);
  const nums = values.filter((v): v is number => typeof v === 'number');
  const draft = api.draftAt(spec.path);
  const text = draft ? draft.raw : same ? formatStored(first, 'currency') : '';
  const problem = draft?.error ? { message: draft.error, source: 'client' as const } : null;
  const label = spec.label;
  return (
    <FieldShell
      label={label}
      title={spec.description}
      problem={problem}
      hint={
        same
          ? 'set on every asset; 0 = no minimum'
          : nums.length
            ? `varies by asset: ${showBound(Math.min(...nums), 'currency', api.currency)} to ${showBound(Math.max(...nums), 'currency', api.currency)}; a value here sets all`
            : null
      }
      render={(ids) => (
        <span className="fld-box">
          <input
            id={ids.input}
            type="text"
            inputMode="decimal"
            data-testid="setting-min-trade"
            data-path={spec.path}
            aria-invalid={problem !== null}
            aria-describedby={ids.describedBy}
            className={problem ? 'invalid' : ''}
            disabled={assets.length === 0}
            placeholder={same ? '' : 'varies'}
            value={text}
            onChange={(e) => {
              const raw = e.target.value;
              const p = parseNumber(raw, spec, api.currency);
              if (p.kind === 'value')
                api.commit(
                  assets.map((_, i) => ({ path: `assets.${i}.min_trade_value`, value: p.value })),
                  { path: spec.path, raw, label },
                );
              else
                api.setDraft(spec.path, {
                  raw,
                  error: p.kind === 'empty' ? 'give an amount (0 = no minimum)' : p.reason,
                  label,
                });
            }}
            onBlur={() => {
              if (draft && draft.error === null) api.setDraft(spec.path, null);
            }}
          />
          <span className="fld-unit">{api.currency}</span>
        </span>
      )}
    />
  );
}

/**
 * The benchmark: its name (editable) and whether its prices are there and line up with the price
 * history. Its prices come from an import or the JSON; they are not typed here.
 */
function BenchmarkField() {
  const api = useInputs();
  const b = api.req?.benchmark;
  const dates = getAt(api.req, 'price_history.dates');
  const nDates = Array.isArray(dates) ? dates.length : null;
  const name = useTextControl('benchmark.name', 'Benchmark name', (raw) =>
    raw.trim() === ''
      ? { error: 'give the benchmark a name' }
      : raw.trim().length > BENCHMARK_NAME_MAX
        ? { error: `at most ${BENCHMARK_NAME_MAX} characters` }
        : { value: raw },
  );
  const server = api.serverUnder('benchmark');
  if (!isObject(b)) {
    return (
      <div className="fld wide">
        <span className="fld-label">Benchmark</span>
        <span
          className="small muted"
          data-testid="benchmark-status"
          data-present="false"
          data-points="0"
          data-path="benchmark"
          tabIndex={-1}
        >
          None. Beta and relative figures need one: import its prices (Import → merge into the
          request) or add <code>benchmark</code> in Advanced (JSON).
        </span>
      </div>
    );
  }
  const prices = Array.isArray(b.prices) ? b.prices.length : 0;
  const aligned = nDates !== null && prices === nDates;
  const status =
    nDates === null
      ? `${prices} prices, but the request has no price history to align them with: the engine will refuse it.`
      : aligned
        ? `${prices} prices, aligned with the ${nDates} dates of the price history.`
        : `${prices} prices, but the price history has ${nDates} dates: the engine will refuse it.`;
  const problem =
    name.problem ?? (server[0] ? { message: server[0].message, source: 'server' as const } : null);
  return (
    <FieldShell
      wide
      label="Benchmark"
      title="The benchmark's name; its prices align with price_history.dates."
      problem={problem}
      render={(ids) => (
        <span className="bench">
          <input
            id={ids.input}
            type="text"
            data-testid="setting-benchmark-name"
            data-path="benchmark.name"
            aria-invalid={problem !== null}
            aria-describedby={ids.describedBy}
            className={name.problem ? 'invalid' : ''}
            placeholder="Benchmark (default)"
            value={name.text}
            onChange={(e) => name.onChange(e.target.value)}
            onBlur={name.onBlur}
          />
          <span
            className={`small ${aligned ? 'muted' : 'warn-text'}`}
            data-testid="benchmark-status"
            data-present="true"
            data-points={prices}
            data-aligned={aligned ? 'true' : 'false'}
          >
            {status}
          </span>
          <button
            type="button"
            className="btn tiny"
            data-testid="benchmark-remove"
            onClick={() => api.commit([{ path: 'benchmark', value: undefined }])}
          >
            Remove benchmark
          </button>
        </span>
      )}
    />
  );
}

/** What price history the request carries (read-only: it comes from an import or the JSON). */
function HistoryStatus() {
  const api = useInputs();
  const ph = api.req?.price_history;
  const dates = isObject(ph) && Array.isArray(ph.dates) ? (ph.dates as unknown[]) : null;
  const series = isObject(ph) && isObject(ph.prices) ? Object.keys(ph.prices).length : 0;
  return (
    <div className="fld wide">
      <span className="fld-label">Price history</span>
      <span className="small muted" data-testid="history-status" data-days={dates?.length ?? 0}>
        {dates && dates.length > 0
          ? `${dates.length} days (${String(dates[0])} to ${String(dates[dates.length - 1])}), ${series} series. Import adds or replaces series.`
          : 'None: risk figures use each asset’s historical_returns, or are not computed (forecasts fall back to market_return).'}
      </span>
    </div>
  );
}

/** Paths, horizon and seed; paths × horizon is bounded by the contract (memory of the paths). */
function MonteCarloFields() {
  const api = useInputs();
  const num = (path: string, fallback: number | undefined) => {
    const v = getAt(api.req, path);
    return typeof v === 'number' ? v : (fallback ?? 0);
  };
  const paths = num('monte_carlo.paths', SETTINGS.paths.defaultValue);
  const horizon = num('monte_carlo.horizon_days', SETTINGS.horizon_days.defaultValue);
  const product = (p: number, h: number) =>
    p * h > MAX_PATH_STEPS
      ? `paths × horizon must be at most ${MAX_PATH_STEPS.toLocaleString('en-US')} (at ${h.toLocaleString('en-US')} days: at most ${Math.floor(MAX_PATH_STEPS / h).toLocaleString('en-US')} paths)`
      : null;
  return (
    <>
      <NumberField
        spec={withHelp('paths')}
        testId="setting-mc-paths"
        extra={(p) => product(p, horizon)}
      />
      <NumberField
        spec={withHelp('horizon_days')}
        testId="setting-mc-horizon"
        hint="trading days; 21 ≈ 1 month, 252 ≈ 1 year"
        extra={(h) => product(paths, h)}
      />
      <NumberField spec={withHelp('seed')} testId="setting-mc-seed" hint="same seed, same paths" />
    </>
  );
}
