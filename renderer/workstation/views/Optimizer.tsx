/**
 * The Optimizer tab: the solver report of an optimized method (`optimization` of the response).
 * Shown only when it is not null, i.e. never for the threshold rule engine.
 */
import type { OptimizationResult } from '../../../src/contract/optimize';
import { DASH, duration, money, num, pct, pp, sci } from '../../shared/format';
import { METHOD_LABELS } from '../method';
import { Empty, signClass } from '../../shared/ui';
import { Kpi } from '../../shared/Kpi';
import type { RebalanceResponse } from '../../shared/types';
import { FrontierSection } from './FrontierChart';

const STATUS_LABEL: Record<OptimizationResult['solver']['status'], string> = {
  optimal: 'optimal',
  optimal_within_gap: 'optimal within the MIP gap',
  closed_form: 'closed form',
};

/**
 * `r`, when given, is the whole answer: its run_id loads the efficient frontier of the run.
 */
export function OptimizerView({
  o,
  currency,
  r,
}: {
  o: OptimizationResult;
  currency: string;
  r?: RebalanceResponse;
}) {
  const s = o.solver;
  const k = o.kkt;
  const showLots = o.weights.some((w) => w.lots !== null || w.units !== null);
  const tot = o.weights.reduce(
    (a, w) => ({
      cur: a.cur + w.current_weight,
      w: a.w + w.weight,
      rc: a.rc + (w.risk_contribution ?? 0),
    }),
    { cur: 0, w: 0, rc: 0 },
  );
  return (
    <div data-testid="view-optimizer">
      <div className="opt-head" data-testid="opt-header">
        <div className="opt-title">
          <span className="strong" data-testid="opt-method" data-method={o.method}>
            {METHOD_LABELS[o.method]}
          </span>
          <span className="muted"> · {o.objective_description}</span>
        </div>
        <div className="opt-line">
          <span
            className={`badge ${s.status === 'optimal' || s.status === 'closed_form' ? 'status-ok' : 'status-warn'}`}
            data-testid="opt-status"
            data-status={s.status}
          >
            {STATUS_LABEL[s.status]}
          </span>
          <span className="muted" title="HiGHS model status of the final solve">
            {s.name} · {s.model_status}
          </span>
          <span data-testid="opt-iterations">
            {s.iterations.toLocaleString('en-US')} iteration{s.iterations === 1 ? '' : 's'}
          </span>
          <span title="Solver wall time summed over all solves">
            {duration(s.solve_time_ms)}
            {s.solves > 1 ? ` over ${s.solves} solves` : ''}
          </span>
          {s.retries > 0 ? <span className="flagged">{s.retries} retried</span> : null}
          {s.mip_nodes !== null ? (
            <span>
              MIP {s.mip_nodes} nodes, gap {sci(s.mip_gap)}
            </span>
          ) : null}
          {k ? (
            <span
              className={`badge ${k.verified ? 'status-ok' : 'status-bad'}`}
              data-testid="opt-kkt"
              data-verified={k.verified ? 'true' : 'false'}
              title={k.note}
            >
              KKT {k.verified ? '✓ verified' : '✗ not verified'}
            </span>
          ) : (
            <span className="badge" data-testid="opt-kkt" data-verified="none">
              KKT not checked
            </span>
          )}
        </div>
        {k ? (
          <div className="opt-kkt small muted" data-testid="opt-kkt-residuals" title={k.note}>
            primal residual {sci(k.primal_residual)} · stationarity {sci(k.stationarity_residual)} ·
            complementarity {sci(k.complementarity)} · dual sign {sci(k.dual_sign_violation)}
          </div>
        ) : null}
      </div>

      <div className="summary-grid opt-stats">
        <Kpi variant="box" label="Objective" value={sci(o.objective)} />
        <Kpi
          variant="box"
          label="Expected return"
          value={pct(o.expected_return)}
          note="annual, μᵀw + r_f·cash"
        />
        <Kpi variant="box" label="Volatility" value={pct(o.volatility)} note="annual, √(wᵀΣw)" />
        <Kpi variant="box" label="Sharpe" value={num(o.sharpe, 2)} note="gross of costs" />
        <Kpi
          variant="box"
          label="Tracking error"
          value={pct(o.tracking_error)}
          note="vs target weights"
        />
        <Kpi variant="box" label="Turnover" value={pct(o.turnover)} note="one-way, Σ|Δw| / 2" />
        <Kpi variant="box" label="Cost" value={pct(o.cost, 3)} note="of portfolio value" />
        <Kpi variant="box" label="Cash" value={pct(round7(o.cash_weight))} note="1 − Σw − costs" />
      </div>

      <h3 className="sub-title">Weights</h3>
      <table className="grid" data-testid="opt-weights">
        <thead>
          <tr>
            <th>Asset</th>
            <th className="n">Current</th>
            <th className="n">Optimized</th>
            <th className="n">Trade</th>
            <th className="n" title="w_i (Σw)_i / wᵀΣw">
              Risk contribution
            </th>
            {showLots ? (
              <>
                <th className="n">Lots</th>
                <th className="n">Units</th>
              </>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {o.weights.map((w) => (
            <tr
              key={w.asset}
              data-testid="opt-weight-row"
              data-asset={w.asset}
              className={Math.abs(w.trade_weight) < 5e-7 ? 'row-quiet' : ''}
            >
              <td className="strong">{w.asset}</td>
              <td className="n">{pct(w.current_weight)}</td>
              <td className="n strong">{pct(w.weight)}</td>
              <td className={`n ${signClass(round7(w.trade_weight))}`}>
                {pp(round7(w.trade_weight))}
              </td>
              <td className="n">{pct(w.risk_contribution)}</td>
              {showLots ? (
                <>
                  <td className="n">{num(w.lots, 0)}</td>
                  <td className="n">{num(w.units, 0)}</td>
                </>
              ) : null}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td>Total</td>
            <td className="n">{pct(tot.cur)}</td>
            <td className="n">{pct(tot.w)}</td>
            <td className="n">{pp(round7(tot.w - tot.cur))}</td>
            <td className="n">
              {o.weights.some((w) => w.risk_contribution !== null) ? pct(tot.rc) : DASH}
            </td>
            {showLots ? <td colSpan={2} /> : null}
          </tr>
        </tfoot>
      </table>

      {r ? <FrontierSection r={r} /> : null}

      <div className="opt-cols">
        <section className="block" data-testid="opt-binding">
          <h3 className="sub-title">
            Binding constraints <span className="count">{o.binding_constraints.length}</span>
          </h3>
          {o.binding_constraints.length === 0 ? (
            <Empty testId="opt-no-binding">No constraint binds at the solution.</Empty>
          ) : (
            <table className="grid compact">
              <thead>
                <tr>
                  <th>Constraint</th>
                  <th>Side</th>
                  <th className="n">Value</th>
                  <th className="n">Bound</th>
                  <th className="n" title="∂objective/∂bound, per 1.0 of weight (or of turnover)">
                    Dual
                  </th>
                </tr>
              </thead>
              <tbody>
                {o.binding_constraints.map((b, i) => (
                  <tr key={i} data-testid="opt-binding-row" data-name={b.name}>
                    <td className="path">{b.name}</td>
                    <td>{b.side}</td>
                    <td className="n">{sci(b.value)}</td>
                    <td className="n">{sci(b.bound)}</td>
                    <td className="n">{sci(b.dual)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section className="block" data-testid="opt-covariance">
          <h3 className="sub-title">Covariance</h3>
          {o.covariance ? (
            <dl className="kv">
              <dt>Estimator</dt>
              <dd>
                {o.covariance.estimator}
                {o.covariance.halflife !== null
                  ? `, half-life ${num(o.covariance.halflife, 0)} days`
                  : ''}
              </dd>
              {o.covariance.shrinkage !== null ? (
                <>
                  <dt>Shrinkage</dt>
                  <dd>{num(o.covariance.shrinkage, 4)}</dd>
                </>
              ) : null}
              <dt>Observations</dt>
              <dd>
                {o.covariance.observations} days, × {o.covariance.annualization} a year
              </dd>
              <dt>Positive definite</dt>
              <dd className={o.covariance.repaired ? 'flagged' : ''}>
                {o.covariance.repaired
                  ? `repaired (jitter ${sci(o.covariance.jitter)}, min eigenvalue before ${sci(o.covariance.min_eigenvalue_before_repair)})`
                  : 'yes, no repair'}
              </dd>
              <dt>Factor model</dt>
              <dd>
                {o.covariance.factor_model
                  ? `${o.covariance.factor_model.kind === 'pca' ? 'PCA' : 'observed factors'}, k = ${o.covariance.factor_model.k}` +
                    (o.covariance.factor_model.explained_variance !== null
                      ? `, ${pct(o.covariance.factor_model.explained_variance, 1)} of variance`
                      : '')
                  : 'none (full matrix)'}
              </dd>
            </dl>
          ) : (
            <Empty>No covariance was needed for this method.</Empty>
          )}
        </section>
      </div>

      {o.integer ? (
        <section className="block" data-testid="opt-integer">
          <h3 className="sub-title">Integer solution</h3>
          <dl className="kv">
            <dt>Rules</dt>
            <dd>{o.integer.rules.join(', ').replace(/_/g, ' ') || DASH}</dd>
            <dt>Residual cash</dt>
            <dd>
              {money(o.integer.residual_cash, currency)} ({pct(o.integer.residual_cash_weight, 3)})
            </dd>
            <dt>Trades</dt>
            <dd>{o.integer.trades}</dd>
            <dt>Branch-and-bound</dt>
            <dd>
              {o.integer.nodes} nodes, gap {sci(o.integer.mip_gap)}
            </dd>
          </dl>
        </section>
      ) : null}

      {o.risk_parity ? <RiskParityBlock o={o} rp={o.risk_parity} /> : null}
      {o.target ? <TargetBlock t={o.target} /> : null}
      {o.hrp ? <HrpBlock h={o.hrp} /> : null}

      <section className="block" data-testid="opt-warnings">
        <h3 className="sub-title">
          Optimizer warnings{' '}
          <span className={`count ${o.warnings.length ? 'warn' : ''}`}>{o.warnings.length}</span>
        </h3>
        {o.warnings.length === 0 ? (
          <div className="muted small">None.</div>
        ) : (
          <ul className="notes-list">
            {o.warnings.map((w, i) => (
              <li key={i} data-testid="opt-warning" data-code={w.code}>
                <code>{w.code}</code> {w.path ? <span className="path">{w.path}</span> : null}{' '}
                {w.message}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function RiskParityBlock({
  o,
  rp,
}: {
  o: OptimizationResult;
  rp: NonNullable<OptimizationResult['risk_parity']>;
}) {
  return (
    <section className="block" data-testid="opt-risk-parity">
      <h3 className="sub-title">Risk parity</h3>
      <div className="small muted gap-below">
        {rp.algorithm === 'newton' ? 'Newton' : 'cyclical coordinate descent'}, {rp.iterations}{' '}
        iterations · max deviation from budget {sci(rp.max_deviation)}
        {rp.constrained ? ' · constraints forced a second stage (closest feasible portfolio)' : ''}
      </div>
      <table className="grid compact">
        <thead>
          <tr>
            <th>Asset</th>
            <th className="n">Budget</th>
            <th className="n">Contribution</th>
            <th className="n">Difference</th>
          </tr>
        </thead>
        <tbody>
          {rp.budgets.map((b, i) => {
            const c = rp.contributions[i] ?? null;
            return (
              <tr key={i} data-testid="opt-rp-row">
                <td className="strong">{o.weights[i]?.asset ?? `#${i + 1}`}</td>
                <td className="n">{pct(b)}</td>
                <td className="n">{pct(c)}</td>
                <td className="n">{c === null ? DASH : pp(c - b)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** efficient_risk / efficient_return: the target, what was reached, the attainable range. */
function TargetBlock({ t }: { t: NonNullable<OptimizationResult['target']> }) {
  const what = t.kind === 'volatility' ? 'Volatility' : 'Expected return (net of costs)';
  const range =
    t.kind === 'volatility'
      ? `${pct(t.attainable_min)} – ${t.attainable_max === null ? '…' : pct(t.attainable_max)}`
      : `up to ${pct(t.attainable_max)}`;
  return (
    <section className="block" data-testid="opt-target" data-achieved={String(t.achieved)}>
      <h3 className="sub-title">Target</h3>
      <dl className="kv">
        <dt>{what}</dt>
        <dd>
          target {pct(t.target, 3)} · reached {pct(t.achieved_value, 3)}{' '}
          <span className={`badge ${t.achieved ? 'status-ok' : 'status-bad'}`}>
            {t.achieved ? (t.binding ? 'achieved' : 'achieved, not binding') : 'not achieved'}
          </span>
        </dd>
        <dt>Attainable</dt>
        <dd>{range}</dd>
        {t.risk_aversion !== null ? (
          <>
            <dt>Risk aversion λ</dt>
            <dd title="λ of the mean-variance problem with the same solution">
              {num(t.risk_aversion, 4)}
            </dd>
          </>
        ) : null}
        <dt>Search</dt>
        <dd className="small muted">{t.note}</dd>
      </dl>
    </section>
  );
}

/** hrp: linkage, quasi-diagonal order and the HRP weights before the constraints. */
function HrpBlock({ h }: { h: NonNullable<OptimizationResult['hrp']> }) {
  return (
    <section className="block" data-testid="opt-hrp">
      <h3 className="sub-title">Hierarchical risk parity</h3>
      <div className="small muted gap-below">
        {h.linkage} linkage · order {h.order.join(' · ')}
        {h.constrained
          ? ` · constraints forced a second stage: tracking error ${pct(h.tracking_error, 3)} to the HRP weights`
          : ''}
      </div>
    </section>
  );
}

/** Rounds away solver noise (|x| < 5e-8) so a held asset does not show "−0.00 pp". */
function round7(x: number): number {
  return Math.abs(x) < 5e-8 ? 0 : x;
}
