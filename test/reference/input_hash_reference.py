"""Independent reference for the input-hash format v2 (src/domain/canonical.ts `inputHash`).

Written from the format in docs/methods.md ("How a rebalance response is put together",
item Metadata), with Python's json, struct and hashlib only:

  stream   = b"spr-input-hash/v2\\n"
           + UTF-8(skeleton) + b"\\n"
           + block_1 + ... + block_k              one per placeholder, in skeleton order
  skeleton = canonical JSON (sorted keys, no whitespace) with every non-empty array whose
             elements are all finite numbers written as a bare #
  block    = struct.pack('<Q', n) + struct.pack('<d', x_1) + ... + struct.pack('<d', x_n),
             with -0.0 written as 0.0
  hash     = hashlib.sha256(stream).hexdigest()

Python prints some floats differently from JavaScript (1e-07 vs 1e-7, 1.0 vs 1), and sorts keys
by code point where JavaScript sorts by UTF-16 code unit; the vectors below keep to numbers and
keys on which both agree, and the script asserts it. The printed hashes are pasted into
test/unit/input-hash.test.ts and docs/methods.md.

  python3 test/reference/input_hash_reference.py
"""

import hashlib
import json
import math
import struct

TAG = b"spr-input-hash/v2\n"
# Stands in for a packed array while json.dumps runs; swapped for the bare # afterwards.
MARK = "\x00spr-number-array\x00"

# The test vector: a small rebalance request, keys deliberately out of order. "-0.0" exercises
# the zero normalization, "holdings": [] the empty array, and the strings "#" and "Société #1"
# the placeholder (a user string equal to it) and UTF-8.
REQUEST_JSON = """{
  "portfolio_value": 1000000,
  "drift_threshold": 0.02,
  "currency": "EUR",
  "assets": [
    {"asset": "SAN.PA", "target_weight": 0.6, "current_weight": 0.55, "price": 92.5,
     "historical_returns": [0.01, -0.0, -0.02, 0.015], "holdings": []},
    {"asset": "Société #1", "target_weight": 0.4, "current_weight": 0.45, "price": 31.25}
  ],
  "price_history": {
    "dates": ["2026-01-02", "2026-01-05", "2026-01-06"],
    "prices": {"Société #1": [30.5, 31, 31.25], "SAN.PA": [90, 91.75, 92.5]}
  },
  "benchmark": {"name": "#", "prices": [100, 100.5, 99.75]},
  "monte_carlo": {"paths": 1000, "horizon_days": 21, "seed": 42, "method": "gaussian"}
}"""

# The worked example of the inputHashParts doc comment.
SMALL_JSON = '{"b": "x", "a": [1.5, -0.0]}'


def is_finite_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def scalars(v):
    """Every key and scalar of a JSON value."""
    if isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from scalars(x)
    elif isinstance(v, list):
        for x in v:
            yield from scalars(x)
    else:
        yield v


def check_input(value):
    """No string could be mistaken for MARK; keys sort alike by code point and UTF-16 unit."""
    for x in scalars(value):
        if isinstance(x, str):
            assert MARK not in x and all(ord(c) < 0xD800 for c in x), x


def check_skeleton(tree):
    """JavaScript prints every number left in the skeleton as Python does."""
    for x in scalars(tree):
        if isinstance(x, float):
            assert "e" not in repr(x) and not x.is_integer(), f"{x!r} prints differently in JS"


def split(v, blocks):
    """Replaces packed arrays by MARK, appending their blocks in canonical (sorted-key) order."""
    if isinstance(v, dict):
        return {k: split(v[k], blocks) for k in sorted(v)}
    if isinstance(v, list):
        if v and all(is_finite_number(x) for x in v):
            block = struct.pack("<Q", len(v))
            for x in v:
                block += struct.pack("<d", 0.0 if x == 0 else float(x))
            blocks.append(block)
            return MARK
        return [split(x, blocks) for x in v]
    return v


def stream_of(value):
    check_input(value)
    blocks = []
    tree = split(value, blocks)
    check_skeleton(tree)
    text = json.dumps(tree, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    skeleton = text.replace(json.dumps(MARK), "#")
    return skeleton, TAG + skeleton.encode("utf-8") + b"\n" + b"".join(blocks)


def main():
    for name, text in (("small", SMALL_JSON), ("request", REQUEST_JSON)):
        skeleton, stream = stream_of(json.loads(text))
        print(f"{name} skeleton: {skeleton}")
        print(f"{name} stream bytes: {len(stream)}")
        print(f"{name} sha256: {hashlib.sha256(stream).hexdigest()}")


if __name__ == "__main__":
    main()
