/**
 * Seeded random numbers for Monte Carlo: xoshiro128** (Blackman & Vigna 2018) on 32-bit integers
 * and a ziggurat standard normal (Marsaglia & Tsang 2000, 128 layers).
 *
 * Reproducibility: the uniform stream uses only 32-bit integer operations (Math.imul, shifts,
 * xor), which are exact in every JavaScript engine. The normal sampler additionally uses Math.exp,
 * Math.log and Math.sqrt (table set-up at module load and the rare rejection/tail steps); V8
 * implements exp/log with the same fdlibm port in Node and in Chromium, so a seed gives bitwise
 * identical sequences in both (other engines could differ by an ulp in rare rejection decisions).
 *
 * Streams: a generator is keyed by (seed, stream). Each of the four 32-bit state words is a
 * different nonlinear hash of both keys (below), so generators for different streams — e.g. one
 * per Monte Carlo path — are statistically independent in practice, and a path's numbers do not
 * depend on how paths are ordered or split across workers.
 */

/** 2^−32 */
const TWO_M32 = 2.3283064365386963e-10;

/** Bijective 32-bit mixer ("lowbias32", C. Wellons): good avalanche, a permutation of uint32. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x | 0;
}

/**
 * xoshiro128** pseudo-random generator (period 2^128 − 1), seeded from (seed, stream).
 * Seeding: word k = mix32(seed ⊕ mix32(stream + C_k)), C_k = (k + 1)·0x9E3779B9 mod 2^32; for a
 * fixed stream each word is a bijection of the seed, and different streams get unrelated words.
 * Example: new Xoshiro128ss(42, 0).nextUint32() is the same number on every run and platform.
 */
export class Xoshiro128ss {
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;

  constructor(seed = 0, stream = 0) {
    this.reseed(seed, stream);
  }

  /** Resets the state to the start of stream `stream` of seed `seed` (both taken mod 2^32). */
  reseed(seed: number, stream = 0): void {
    const s = seed >>> 0;
    const p = stream >>> 0;
    this.s0 = mix32(s ^ mix32((p + 0x9e3779b9) | 0));
    this.s1 = mix32(s ^ mix32((p + 0x3c6ef372) | 0));
    this.s2 = mix32(s ^ mix32((p + 0xdaa66d2b) | 0));
    this.s3 = mix32(s ^ mix32((p + 0x78dde6e4) | 0));
    // The all-zero state is the generator's only fixed point; mix32 makes it (astronomically)
    // unlikely, but guard anyway.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next output as a signed 32-bit integer. */
  nextInt32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    let s0 = this.s0;
    let s2 = this.s2;
    let s3 = this.s3;
    s2 ^= s0;
    s3 ^= s1;
    const n1 = s1 ^ s2;
    s0 ^= s3;
    s2 ^= t;
    this.s0 = s0;
    this.s1 = n1;
    this.s2 = s2;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /** Next output as an unsigned 32-bit integer in [0, 2^32). */
  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** Uniform double in [0, 1) with 32-bit resolution: u·2^−32. */
  nextDouble(): number {
    return (this.nextInt32() >>> 0) * TWO_M32;
  }

  /** Uniform double in the open interval (0, 1): (u + 0.5)·2^−32 (safe for log). */
  nextOpenDouble(): number {
    return ((this.nextInt32() >>> 0) + 0.5) * TWO_M32;
  }

  /** One standard normal draw (ziggurat). */
  normal(): number {
    const hz = this.nextInt32();
    const iz = hz & 127;
    if (Math.abs(hz) < KN[iz]!) return hz * WN[iz]!;
    return normalSlow(this, hz, iz);
  }
}

// Ziggurat tables (Marsaglia & Tsang 2000, "The Ziggurat Method for Generating Random Variables",
// J. Stat. Software 5(8), zigset for 128 layers). R is the start of the tail, V the common area of
// each layer.
const R = 3.442619855899;
const V = 9.91256303526217e-3;
const KN = new Int32Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);

function zigset(): void {
  const m1 = 2147483648.0;
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * m1);
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
}
zigset();

/**
 * The ziggurat's rare branch (about 1.2% of draws): the wedge test against the density, or the
 * tail beyond R (Marsaglia's method: x = −ln(U₁)/R, y = −ln(U₂), accept when 2y ≥ x²).
 */
function normalSlow(rng: Xoshiro128ss, hz: number, iz: number): number {
  for (;;) {
    const x = hz * WN[iz]!;
    if (iz === 0) {
      let tx: number;
      let ty: number;
      do {
        tx = -Math.log(rng.nextOpenDouble()) / R;
        ty = -Math.log(rng.nextOpenDouble());
      } while (ty + ty < tx * tx);
      return hz > 0 ? R + tx : -R - tx;
    }
    if (FN[iz]! + rng.nextOpenDouble() * (FN[iz - 1]! - FN[iz]!) < Math.exp(-0.5 * x * x)) return x;
    hz = rng.nextInt32();
    iz = hz & 127;
    if (Math.abs(hz) < KN[iz]!) return hz * WN[iz]!;
  }
}

/**
 * Fills out[offset .. offset+count) with standard normal draws from `rng`, identical to calling
 * rng.normal() count times. The generator state lives in locals inside the loop (the hot path of
 * the Monte Carlo engine: about 1.2% of draws take the slow branch).
 */
export function fillStandardNormal(
  rng: Xoshiro128ss,
  out: Float64Array,
  offset: number,
  count: number,
): void {
  let s0 = rng.s0;
  let s1 = rng.s1;
  let s2 = rng.s2;
  let s3 = rng.s3;
  const end = offset + count;
  for (let k = offset; k < end; k++) {
    const x = Math.imul(s1, 5);
    const hz = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const iz = hz & 127;
    if (Math.abs(hz) < KN[iz]!) {
      out[k] = hz * WN[iz]!;
    } else {
      rng.s0 = s0;
      rng.s1 = s1;
      rng.s2 = s2;
      rng.s3 = s3;
      out[k] = normalSlow(rng, hz, iz);
      s0 = rng.s0;
      s1 = rng.s1;
      s2 = rng.s2;
      s3 = rng.s3;
    }
  }
  rng.s0 = s0;
  rng.s1 = s1;
  rng.s2 = s2;
  rng.s3 = s3;
}
