#!/usr/bin/env python3
"""Independent Python port of src/risk/rng.ts and of the Monte Carlo kernels, for golden values.

Run from the repository root:  python3 test/reference/risk_rng_reference.py
Prints the first outputs of xoshiro128** for a few (seed, stream) keys, ziggurat normals, stationary
bootstrap indices and a tiny asset-level simulation; test/unit/risk/rng.test.ts and
montecarlo.test.ts paste them as constants. Written from the published algorithms:
- xoshiro128** 1.1, Blackman & Vigna (https://prng.di.unimi.it/xoshiro128starstar.c);
- ziggurat RNOR/zigset, Marsaglia & Tsang (2000), J. Stat. Software 5(8), 128 layers;
- stationary bootstrap, Politis & Romano (1994).
"""
import math

M32 = 0xFFFFFFFF


def to_i32(x):
    x &= M32
    return x - (1 << 32) if x & 0x80000000 else x


def imul(a, b):
    return to_i32((a & M32) * (b & M32))


def rotl(x, k):
    x &= M32
    return ((x << k) | (x >> (32 - k))) & M32


def mix32(x):
    x &= M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


class Xoshiro:
    def __init__(self, seed, stream=0):
        s, p = seed & M32, stream & M32
        self.s = [mix32(s ^ mix32(p + c)) for c in (0x9E3779B9, 0x3C6EF372, 0xDAA66D2B, 0x78DDE6E4)]
        if not any(self.s):
            self.s[0] = 1

    def next_u32(self):
        s = self.s
        result = (rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def next_i32(self):
        return to_i32(self.next_u32())

    def next_double(self):
        return self.next_u32() * 2.0**-32

    def next_open_double(self):
        return (self.next_u32() + 0.5) * 2.0**-32


R = 3.442619855899
V = 9.91256303526217e-3
KN = [0] * 128
WN = [0.0] * 128
FN = [0.0] * 128


def zigset():
    m1 = 2147483648.0
    dn = R
    tn = dn
    q = V / math.exp(-0.5 * dn * dn)
    KN[0] = math.floor((dn / q) * m1)
    KN[1] = 0
    WN[0] = q / m1
    WN[127] = dn / m1
    FN[0] = 1.0
    FN[127] = math.exp(-0.5 * dn * dn)
    for i in range(126, 0, -1):
        dn = math.sqrt(-2 * math.log(V / dn + math.exp(-0.5 * dn * dn)))
        KN[i + 1] = math.floor((dn / tn) * m1)
        tn = dn
        FN[i] = math.exp(-0.5 * dn * dn)
        WN[i] = dn / m1


zigset()
slow_count = 0


def normal(rng):
    global slow_count
    hz = rng.next_i32()
    iz = hz & 127
    if abs(hz) < KN[iz]:
        return hz * WN[iz]
    slow_count += 1
    while True:
        x = hz * WN[iz]
        if iz == 0:
            while True:
                tx = -math.log(rng.next_open_double()) / R
                ty = -math.log(rng.next_open_double())
                if not (ty + ty < tx * tx):
                    break
            return R + tx if hz > 0 else -R - tx
        if FN[iz] + rng.next_open_double() * (FN[iz - 1] - FN[iz]) < math.exp(-0.5 * x * x):
            return x
        hz = rng.next_i32()
        iz = hz & 127
        if abs(hz) < KN[iz]:
            return hz * WN[iz]


def fmt(xs):
    return "[" + ", ".join(repr(x) for x in xs) + "]"


for seed, stream in ((42, 0), (42, 1), (0, 0), (4294967295, 99999)):
    g = Xoshiro(seed, stream)
    print(f"u32 seed={seed} stream={stream}: {fmt([g.next_u32() for _ in range(8)])}")

g = Xoshiro(42, 0)
first = [normal(g) for _ in range(12)]
print(f"normals seed=42 stream=0 first 12: {fmt(first)}")
g = Xoshiro(7, 3)
draws = [normal(g) for _ in range(20000)]
print(f"normals seed=7 stream=3 draws 19990..19999: {fmt(draws[19990:])}")
print(f"sum of 20000 normals seed=7 stream=3: {sum(draws)!r}; slow-path count so far {slow_count}")
print(f"KN[0], KN[127], WN[0], FN[127] = {KN[0]}, {KN[127]}, {WN[0]!r}, {FN[127]!r}")


def bootstrap_indices(rng, T, b, H):
    p_new = 1.0 / b
    out = []
    idx = math.floor(rng.next_double() * T)
    out.append(idx)
    for _ in range(1, H):
        if rng.next_double() < p_new:
            idx = math.floor(rng.next_double() * T)
        else:
            idx += 1
            if idx == T:
                idx = 0
        out.append(idx)
    return out


print(f"bootstrap seed=7 stream=0 T=50 b=5 H=30: {bootstrap_indices(Xoshiro(7, 0), 50, 5, 30)}")

# Tiny asset-level gaussian buy-and-hold simulation, exactly as simulateAssetPaths:
# per path p stream p, z = n*H normals (day-major), r_i = mu_i + sum_{j<=i} L_ij z_j,
# V_i *= max(0, 1 + r_i), W = cash + sum_i w_i V_i.
mu = [0.0005, -0.0002, 0.001]
L = [[0.01, 0.0, 0.0], [0.004, 0.012, 0.0], [-0.003, 0.002, 0.02]]
w = [0.5, 0.3, 0.1]
cash = 1 - sum(w)
P, H, seed = 6, 5, 123
n = 3
terminals = []
day3 = []
for p in range(P):
    g = Xoshiro(seed, p)
    z = [normal(g) for _ in range(n * H)]
    Vv = [1.0] * n
    W = cash
    for d in range(H):
        W = cash
        for i in range(n):
            acc = mu[i]
            for j in range(i + 1):
                acc += L[i][j] * z[d * n + j]
            gr = 1 + acc
            if gr < 0:
                gr = 0.0
            Vv[i] *= gr
            W += w[i] * Vv[i]
        if d == 2:
            day3.append(W)
    terminals.append(W)
print(f"asset paths terminal (P=6, H=5, seed=123): {fmt(terminals)}")
print(f"asset paths day 3: {fmt(day3)}")
