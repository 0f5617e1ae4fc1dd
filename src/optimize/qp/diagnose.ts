/**
 * Infeasibility diagnosis: an infeasible request becomes EngineError('INFEASIBLE') whose message
 * and details name the constraints that conflict, never a silent fallback.
 *
 * 1. Structural checks (no solver): a no-trade asset outside its bounds; asset minimums above the
 *    budget; asset maximums below full investment; a class minimum above the sum of its members'
 *    maximums (or a class maximum below their minimums); class minimums together above the budget;
 *    class maximums together below full investment; for a market_neutral book asset minimums above
 *    0 or maximums below 0 (Σw = 0 cannot hold); a gross limit G below the gross exposure the
 *    bounds force (Σ_i max(0, L_i, −U_i)) or, at full investment without costs, below 1 (|Σw| ≤
 *    Σ|w|).
 * 2. Phase-1 LP (solver): minimize the one-way turnover Σ(b + s)/2 subject to every constraint
 *    except the turnover cap.
 *    - infeasible → the irreducible infeasible subsystem (HiGHS `getIis`) names the conflict;
 *    - optimum t_min > τ → the cap is too tight; the constraints with a non-zero dual in the
 *      phase-1 LP are the ones that force the trading (e.g. `class_max:Crypto`).
 * 3. Otherwise the continuous problem is feasible: the discrete rules (whole lots, minimum trade)
 *    are the conflict, or for max_sharpe no feasible portfolio earns more than r_f net of costs.
 */
import { EngineError, type ErrorDetail } from '../../contract/common';
import { buildW, type Layout } from './build';
import { solverLimitError } from './limits';
import type { Normalized } from './normalize';
import type { QpSolution, QpSolverPort } from './types';

const TOL = 1e-12;

function pct(x: number): string {
  return `${(100 * x).toFixed(4).replace(/\.?0+$/, '')}%`;
}

/** Effective per-asset interval after the no-trade list. */
function intervals(N: Normalized): { L: Float64Array; U: Float64Array } {
  const L = new Float64Array(N.n);
  const U = new Float64Array(N.n);
  for (let i = 0; i < N.n; i++) {
    if (N.noTrade[i]) {
      L[i] = N.w0[i] as number;
      U[i] = N.w0[i] as number;
    } else {
      L[i] = N.lo[i] as number;
      U[i] = N.hi[i] as number;
    }
  }
  return { L, U };
}

const minName = (N: Normalized, i: number) =>
  N.noTrade[i] ? `no_trade:${N.assets[i]}` : `asset_min:${N.assets[i]}`;
const maxName = (N: Normalized, i: number) =>
  N.noTrade[i] ? `no_trade:${N.assets[i]}` : `asset_max:${N.assets[i]}`;

/** Conflicts found without a solver; each detail's path is a constraint name. */
export function structuralConflicts(
  N: Normalized,
): { message: string; details: ErrorDetail[] } | null {
  const details: ErrorDetail[] = [];
  const messages: string[] = [];
  const { L, U } = intervals(N);
  for (let i = 0; i < N.n; i++) {
    if (!N.noTrade[i]) continue;
    const a = N.assets[i] as string;
    const w = N.w0[i] as number;
    if (w < (N.lo[i] as number) - TOL || w > (N.hi[i] as number) + TOL) {
      const other = w < (N.lo[i] as number) ? `asset_min:${a}` : `asset_max:${a}`;
      messages.push(`no_trade:${a} holds ${pct(w)}, outside ${other}`);
      details.push({ path: `no_trade:${a}`, message: `current weight ${pct(w)} must stay` });
      details.push({ path: other, message: `conflicts with no_trade:${a}` });
    }
  }
  if (N.neutral || N.gross !== null) bookConflicts(N, L, U, messages, details);
  const top = N.neutral ? 0 : 1 - (N.cashFloor ?? 0);
  const budgetName = N.neutral ? 'market_neutral' : N.cashFloor === null ? 'budget' : 'cash_floor';
  let sumL = 0;
  let sumU = 0;
  // sumU is only reported; maxInvest (below) decides.
  for (let i = 0; i < N.n; i++) {
    sumL += L[i] as number;
    sumU += U[i] as number;
  }
  const largest = (
    vals: Float64Array,
    pick: (i: number) => boolean,
    nameOf: (i: number) => string,
  ) =>
    Array.from({ length: N.n }, (_, i) => i)
      .filter(pick)
      .sort((a, b) => Math.abs(vals[b] as number) - Math.abs(vals[a] as number))
      .slice(0, 10)
      .map(nameOf);
  if (!N.neutral && sumL > top + 1e-9) {
    const names = largest(
      L,
      (i) => (L[i] as number) > 0,
      (i) => minName(N, i),
    );
    messages.push(
      `asset minimums add up to ${pct(sumL)}, above the ${pct(top)} the ${budgetName} allows`,
    );
    details.push({ path: budgetName, message: `allows at most ${pct(top)} invested` });
    for (const nm of names)
      details.push({ path: nm, message: 'asset minimum counted in the conflict' });
  }
  // Most that can be invested plus paid in costs (Σw + Σc|Δw| is convex per asset, so its
  // maximum over each interval is at an end).
  let maxInvest = 0;
  for (let i = 0; i < N.n; i++) {
    const c = N.cost[i] as number;
    const w0 = N.w0[i] as number;
    const l = L[i] as number;
    const u = U[i] as number;
    maxInvest += Math.max(l + c * Math.abs(l - w0), u + c * Math.abs(u - w0));
  }
  if (!N.neutral && N.cashFloor === null && maxInvest < 1 - 1e-9) {
    const names = largest(
      U,
      (i) => (U[i] as number) < 1,
      (i) => maxName(N, i),
    );
    messages.push(`asset maximums add up to ${pct(sumU)}, below full investment (100%)`);
    details.push({ path: 'budget', message: 'full investment needs weights summing to 100%' });
    for (const nm of names)
      details.push({ path: nm, message: 'asset maximum counted in the conflict' });
  }
  // Classes (an asset belongs to one class, so the class rows are disjoint).
  const inBounded = new Uint8Array(N.n);
  let classMinTotal = 0;
  let classMaxTotal = 0;
  for (const c of N.classRows) {
    let cl = 0;
    let cu = 0;
    for (const i of c.members) {
      cl += L[i] as number;
      cu += U[i] as number;
      inBounded[i] = 1;
    }
    if (c.min !== null && c.min > cu + 1e-9) {
      messages.push(
        `class_min:${c.name} (${pct(c.min)}) exceeds its members' maximums (${pct(cu)})`,
      );
      details.push({ path: `class_min:${c.name}`, message: `needs ${pct(c.min)}` });
      for (const i of c.members) details.push({ path: maxName(N, i), message: 'member maximum' });
    }
    if (c.max !== null && c.max < cl - 1e-9) {
      messages.push(
        `class_max:${c.name} (${pct(c.max)}) is below its members' minimums (${pct(cl)})`,
      );
      details.push({ path: `class_max:${c.name}`, message: `allows ${pct(c.max)}` });
      for (const i of c.members)
        if ((L[i] as number) > 0) details.push({ path: minName(N, i), message: 'member minimum' });
    }
    classMinTotal += Math.max(c.min ?? 0, cl);
    classMaxTotal += Math.min(c.max ?? Infinity, cu);
  }
  if (N.classRows.length > 0) {
    let restL = 0;
    let restU = 0;
    for (let i = 0; i < N.n; i++)
      if (!inBounded[i]) {
        restL += L[i] as number;
        restU += U[i] as number;
      }
    if (classMinTotal + restL > top + 1e-9 && sumL <= top + 1e-9) {
      messages.push(
        `class minimums need ${pct(classMinTotal + restL)} invested, above the ${pct(top)} the ${budgetName} allows`,
      );
      details.push({ path: budgetName, message: `allows at most ${pct(top)} invested` });
      for (const c of N.classRows)
        if (c.min !== null)
          details.push({ path: `class_min:${c.name}`, message: `needs ${pct(c.min)}` });
    }
    // With costs, Σw may end below 1 (costs are paid from cash); the solver's churn check
    // (optimize.ts) covers that case.
    if (
      !N.neutral &&
      N.cashFloor === null &&
      !N.anyCost &&
      classMaxTotal + restU < 1 - 1e-9 &&
      sumU >= 1 - 1e-9
    ) {
      messages.push(
        `class maximums allow only ${pct(classMaxTotal + restU)} invested, below full investment`,
      );
      details.push({ path: 'budget', message: 'full investment needs weights summing to 100%' });
      for (const c of N.classRows)
        if (c.max !== null)
          details.push({ path: `class_max:${c.name}`, message: `allows ${pct(c.max)}` });
    }
  }
  if (messages.length === 0) return null;
  return { message: `infeasible: ${messages.join('; ')}`, details: dedupe(details) };
}

/**
 * The book's own structural conflicts (market_neutral Σw = 0; gross limit G):
 * - Σ L_i > 0 or Σ U_i < 0: no weights in the bounds sum to 0;
 * - Σ_i max(0, L_i, −U_i) > G: every weight in its bounds is at least that far from 0;
 * - full investment (long_only / long_short without a cash floor): Σw = 1 − costs with costs =
 *   Σ c_i|w_i − w0_i| ≤ c_max (Σ|w| + Σ|w0|), so Σ|w| ≥ Σw ≥ 1 − c_max (G + Σ|w0|); infeasible
 *   when G < 1 − c_max (G + Σ|w0|) (without costs: G < 1).
 * Example: long_short, G = 0.8, full investment → "book.gross_limit 80% … below the 100% net
 * exposure full investment needs".
 */
function bookConflicts(
  N: Normalized,
  L: Float64Array,
  U: Float64Array,
  messages: string[],
  details: ErrorDetail[],
): void {
  let sumL = 0;
  let sumU = 0;
  let minGross = 0;
  for (let i = 0; i < N.n; i++) {
    sumL += L[i] as number;
    sumU += U[i] as number;
    minGross += Math.max(0, L[i] as number, -(U[i] as number));
  }
  if (N.neutral && (sumL > 1e-9 || sumU < -1e-9)) {
    const above = sumL > 1e-9;
    messages.push(
      `asset ${above ? 'minimums' : 'maximums'} add up to ${pct(above ? sumL : sumU)}, so the weights cannot sum to 0 (market_neutral)`,
    );
    details.push({ path: 'market_neutral', message: 'Σw = 0 over the assets' });
    details.push({ path: 'book.type', message: 'market_neutral' });
    for (let i = 0; i < N.n; i++)
      if (above ? (L[i] as number) > 0 : (U[i] as number) < 0)
        details.push({
          path: above ? minName(N, i) : maxName(N, i),
          message: `asset ${above ? 'minimum' : 'maximum'} counted in the conflict`,
        });
  }
  const G = N.gross;
  if (G === null) return;
  if (minGross > G + 1e-9) {
    messages.push(
      `the bounds force a gross exposure of at least ${pct(minGross)}, above book.gross_limit ${pct(G)}`,
    );
    details.push({ path: 'gross_exposure', message: `Σ|w| ≤ ${pct(G)}` });
    details.push({ path: 'book.gross_limit', message: `${G}` });
    for (let i = 0; i < N.n; i++)
      if (Math.max(L[i] as number, -(U[i] as number)) > 0)
        details.push({
          path: (L[i] as number) > 0 ? minName(N, i) : maxName(N, i),
          message: 'keeps the weight away from 0',
        });
  }
  let cmax = 0;
  let gross0 = 0;
  for (let i = 0; i < N.n; i++) {
    if (!N.noTrade[i]) cmax = Math.max(cmax, N.cost[i] as number);
    gross0 += Math.abs(N.w0[i] as number);
  }
  const costRoom = cmax * (G + gross0);
  if (!N.neutral && N.cashFloor === null && G < 1 - costRoom - 1e-9) {
    messages.push(
      `book.gross_limit ${pct(G)} is below the 100% net exposure full investment needs (|Σw| ≤ Σ|w|${costRoom > 0 ? `; transaction costs of at most ${pct(costRoom)} cannot make up the difference` : ''})`,
    );
    details.push({ path: 'gross_exposure', message: `Σ|w| ≤ ${pct(G)}` });
    details.push({ path: 'book.gross_limit', message: `${G} < |net exposure| 1` });
    details.push({ path: 'budget', message: 'full investment: Σw = 1' });
  }
}

function dedupe(details: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return details.filter((d) => {
    if (seen.has(d.path)) return false;
    seen.add(d.path);
    return true;
  });
}

/** Constraint names of an IIS (HiGHS bound codes: 2 lower, 3 upper, 4 boxed). */
export function iisNames(layout: Layout, iis: NonNullable<QpSolution['iis']>): string[] {
  const out: string[] = [];
  const add = (pair: [string | null, string | null] | undefined, code: number) => {
    if (!pair) return;
    if (code === 2 || code === 4) if (pair[0]) out.push(pair[0]);
    if (code === 3 || code === 4) if (pair[1]) out.push(pair[1]);
  };
  iis.rows.forEach((r, k) => add(layout.rowNames[r], iis.rowBounds[k] as number));
  iis.cols.forEach((c, k) => add(layout.colNames[c], iis.colBounds[k] as number));
  return [...new Set(out)];
}

/** Names of constraints whose dual is non-zero in a solved w-space model. */
export function activeDualNames(layout: Layout, sol: QpSolution): string[] {
  const out: string[] = [];
  for (const [name, ref] of layout.duals) {
    const d = ref.kind === 'row' ? sol.rowDual[ref.index] : sol.colDual[ref.index];
    if (d === undefined || Math.abs(d) <= 1e-9) continue;
    // A column carries both its min and max names: keep the side the sign selects.
    if (name.startsWith('asset_min:') && d < 0) continue;
    if (name.startsWith('asset_max:') && d > 0) continue;
    if (name.startsWith('class_min:') && d < 0) continue;
    if (name.startsWith('class_max:') && d > 0) continue;
    out.push(name);
  }
  return out;
}

/**
 * Runs steps 2–3 of the diagnosis. Returns the error to throw, or null when the continuous
 * w-space problem is feasible within the turnover cap and no discrete rule applies (the caller
 * then knows the conflict is method-specific, e.g. max_sharpe's positive excess return).
 */
export async function diagnoseInfeasible(
  N: Normalized,
  solver: QpSolverPort,
  ctx: { discrete: boolean },
): Promise<EngineError | null> {
  // Costs are left out of phase 1: with costs paid from the budget, an LP could "satisfy" an
  // impossible class maximum by wash trades that burn weight through costs, and would then blame
  // the turnover cap (found on an all-Stocks book with Stocks ≤ 50%: "needs 25000% turnover").
  const phase1 = buildW(
    { ...N, tau: null, cost: new Float64Array(N.cost.length), anyCost: false },
    'min_turnover',
  );
  const sol = await solver.solve(phase1.model, { timeLimitSeconds: N.timeLimit, iis: true });
  if (sol.status === 'infeasible') {
    const names = sol.iis ? iisNames(phase1.layout, sol.iis) : [];
    return new EngineError(
      'INFEASIBLE',
      names.length > 0
        ? `infeasible: these constraints cannot all hold: ${names.join(', ')}`
        : 'infeasible: the bounds, class limits and budget cannot all hold',
      names.length > 0
        ? names.map((path) => ({ path, message: 'part of an irreducible infeasible subset' }))
        : [
            N.neutral
              ? { path: 'market_neutral', message: 'Σw = 0 over the assets' }
              : {
                  path: 'budget',
                  message: 'full investment (or the cash floor) fixes the total weight',
                },
            ...(N.gross !== null
              ? [{ path: 'gross_exposure', message: `Σ|w| ≤ ${pct(N.gross)} (book.gross_limit)` }]
              : []),
            // Without an IIS from the solver, name every class limit that is set: one of them
            // (with the budget and the asset bounds) is in conflict.
            ...N.classRows.flatMap((c) => [
              ...(c.min !== null
                ? [{ path: `class_min:${c.name}`, message: `>= ${pct(c.min)}` }]
                : []),
              ...(c.max !== null
                ? [{ path: `class_max:${c.name}`, message: `<= ${pct(c.max)}` }]
                : []),
            ]),
            { path: 'bounds', message: 'per-asset bounds' },
          ],
    );
  }
  if (sol.status !== 'optimal')
    return (
      solverLimitError(sol, N.timeLimit, 'the infeasibility diagnosis') ??
      new EngineError(
        'INTERNAL',
        `infeasibility diagnosis failed: ${sol.message ?? sol.modelStatus}`,
        [{ path: 'solver', message: sol.modelStatus }],
      )
    );
  const tmin = sol.objective / (2 * phase1.layout.wScale);
  if (N.tau !== null && tmin > N.tau + 1e-9) {
    const forcing = activeDualNames(phase1.layout, sol).filter((nm) => nm !== 'turnover');
    return new EngineError(
      'INFEASIBLE',
      `infeasible: turnover cap ${pct(N.tau)} is too tight; ` +
        (forcing.length > 0 ? `satisfying ${forcing.join(', ')} ` : 'the other constraints ') +
        `needs at least ${pct(tmin)} one-way turnover`,
      [
        { path: 'turnover', message: `cap ${pct(N.tau)} < minimum needed ${pct(tmin)}` },
        ...forcing.map((path) => ({ path, message: 'forces trading beyond the turnover cap' })),
      ],
    );
  }
  if (ctx.discrete) {
    const rules: string[] = [];
    if (N.lotW) rules.push('whole_lots');
    if (N.minTradeW) rules.push('min_trade');
    const others = [
      ...(N.tau !== null ? ['turnover'] : []),
      N.cashFloor === null ? 'budget' : 'cash_floor',
    ];
    return new EngineError(
      'INFEASIBLE',
      `infeasible: no trade list meets the ${rules.join(' and ')} rule${rules.length > 1 ? 's' : ''} ` +
        `together with ${others.join(', ')} and the bounds (the problem without them is feasible` +
        (N.lotW ? '; full investment with whole lots must leave less than one lot of cash' : '') +
        ')',
      [
        ...rules.map((path) => ({ path, message: 'discrete rule in the conflict' })),
        ...others.map((path) => ({ path, message: 'constraint in the conflict' })),
      ],
    );
  }
  return null;
}
