/**
 * Forecast tilt of policy targets within a per-asset budget (docs/methods.md (forecast) §6).
 */
import { EngineError, type ErrorDetail } from '../contract/common';

export interface ForecastTiltInput {
  /** Policy target weights, ≥ 0, Σ > 0 (normalized to sum 1 first). */
  targets: Float64Array;
  /** Annual ensemble forecasts, one per asset. */
  forecasts: Float64Array;
  /** Forecast confidences in [0, 1], one per asset. */
  confidences: Float64Array;
  /** b: the largest allowed |optimized − target| of any asset, in weight (≥ 0). */
  tiltBudget: number;
}

function checkArray(
  a: unknown,
  name: string,
  n: number,
  lo: number,
  hi: number,
  details: ErrorDetail[],
): void {
  if (!(a instanceof Float64Array)) {
    details.push({ path: name, message: 'must be a Float64Array' });
    return;
  }
  if (a.length !== n) {
    details.push({ path: name, message: `has ${a.length} entries; expected ${n}` });
    return;
  }
  let reported = 0;
  for (let i = 0; i < n && reported < 20; i++) {
    const x = a[i] as number;
    if (!(x >= lo && x <= hi && Number.isFinite(x))) {
      details.push({ path: `${name}.${i}`, message: `must be a finite number in [${lo}, ${hi}]` });
      reported++;
    }
  }
}

/**
 * Tilts the targets toward assets with above-average forecasts, within budget b.
 *   t_i ← t_i / Σ t                           (normalized targets)
 *   f̄ = Σ t_i f_i                             (target-weighted mean forecast)
 *   z_i = (f_i − f̄) / max_j |f_j − f̄|       (0 for all i when every f_j is equal)
 *   raw_i = max(0, t_i + b c_i z_i),  o_i = raw_i / Σ raw
 *   s = min(1, b / max_i |o_i − t_i|),  opt_i = (1 − s) t_i + s o_i
 * The last step scales the whole tilt o − t by one factor: Σ(o − t) = 0, so Σ opt = 1 for every
 * s, opt ≥ 0 as a convex combination of two points of the simplex, and |opt_i − t_i| = s|o_i − t_i|
 * ≤ b. One closed-form step, no iteration; the direction (and ranking) of the tilts is kept.
 * Rounding left in Σ opt (≈1e-16) is added to the largest weight, so Σ opt = 1 to the last ulps.
 * b = 0 returns the normalized targets. Example: t = [0.5, 0.5], f = [0.10, 0.02], c = [1, 1],
 * b = 0.05 → f̄ = 0.06, z = [1, −1], raw = [0.55, 0.45] → [0.55, 0.45].
 */
export function forecastTilt(input: ForecastTiltInput): Float64Array {
  const { targets, forecasts, confidences, tiltBudget: b } = input;
  const details: ErrorDetail[] = [];
  const n = targets instanceof Float64Array ? targets.length : 0;
  if (n === 0) details.push({ path: 'targets', message: 'must be a non-empty Float64Array' });
  else checkArray(targets, 'targets', n, 0, Infinity, details);
  if (n > 0) {
    checkArray(forecasts, 'forecasts', n, -Number.MAX_VALUE, Number.MAX_VALUE, details);
    checkArray(confidences, 'confidences', n, 0, 1, details);
  }
  if (!(Number.isFinite(b) && b >= 0))
    details.push({ path: 'tiltBudget', message: 'must be a finite number >= 0' });
  let sumT = 0;
  if (details.length === 0) {
    for (let i = 0; i < n; i++) sumT += targets[i] as number;
    if (!(sumT > 0 && sumT < Infinity))
      details.push({ path: 'targets', message: 'must sum to a finite number > 0' });
  }
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid forecast tilt input', details);

  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = (targets[i] as number) / sumT;
  if (b === 0) return t;

  let fMin = Infinity;
  let fMax = -Infinity;
  let fBar = 0;
  for (let i = 0; i < n; i++) {
    const f = forecasts[i] as number;
    if (f < fMin) fMin = f;
    if (f > fMax) fMax = f;
    fBar += (t[i] as number) * f;
  }
  // All forecasts equal: no view, no tilt (checked exactly, since f̄ may differ by rounding).
  if (fMin === fMax) return t;
  if (fBar < fMin) fBar = fMin;
  if (fBar > fMax) fBar = fMax;
  const scale = Math.max(fMax - fBar, fBar - fMin);

  const o = new Float64Array(n);
  let sumRaw = 0;
  for (let i = 0; i < n; i++) {
    const z = ((forecasts[i] as number) - fBar) / scale;
    const raw = (t[i] as number) + b * (confidences[i] as number) * z;
    const r = raw > 0 ? raw : 0;
    o[i] = r;
    sumRaw += r;
  }
  // sumRaw > 0: some asset with t_i > 0 has f_i ≥ f̄ (f̄ is their weighted mean), so raw_i ≥ t_i.
  let maxDev = 0;
  for (let i = 0; i < n; i++) {
    const oi = (o[i] as number) / sumRaw;
    o[i] = oi;
    const dev = Math.abs(oi - (t[i] as number));
    if (dev > maxDev) maxDev = dev;
  }
  const s = maxDev > b ? b / maxDev : 1;
  const out = new Float64Array(n);
  let sum = 0;
  let big = 0;
  for (let i = 0; i < n; i++) {
    const v = (1 - s) * (t[i] as number) + s * (o[i] as number);
    out[i] = v;
    sum += v;
    if (v > (out[big] as number)) big = i;
  }
  out[big] = (out[big] as number) + (1 - sum);
  return out;
}
