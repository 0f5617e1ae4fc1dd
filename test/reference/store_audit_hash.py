"""Independent reference for the audit hash chain (src/store/hash.ts, docs/methods.md (store)).

hash_k = SHA-256( JSON array [seq, ts, actor, action, subject, payload_hash, prev_hash] with no
whitespace ), payload_hash = SHA-256(payload_json), genesis prev_hash = 64 zeros.
Run: python3 test/reference/store_audit_hash.py  — paste the printed values into
test/integration/store/hash.test.ts.
"""
import hashlib
import json


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain(seq, ts, actor, action, subject, payload_hash, prev_hash):
    return sha(json.dumps([seq, ts, actor, action, subject, payload_hash, prev_hash],
                          separators=(",", ":"), ensure_ascii=False))


GENESIS = "0" * 64
events = [
    ("2026-01-01T00:00:00.000Z", "alice", "settings.changed", "theme", {"to": "dark", "from": "light"}),
    ("2026-01-01T00:00:01.500Z", "bob", "prices.imported", "prices:SPY", {"rows": 2520, "file": "spy.csv"}),
    ("2026-01-02T09:30:00.007Z", "alice", "audit.correction", "audit:1", {"corrects_seq": 1, "reason": "wrong theme name, Zürich"}),
]
prev = GENESIS
for i, (ts, actor, action, subject, payload) in enumerate(events, start=1):
    pj = canonical(payload)
    ph = sha(pj)
    h = chain(i, ts, actor, action, subject, ph, prev)
    print(f"seq {i}: payload_json={pj}")
    print(f"        payload_hash={ph}")
    print(f"        hash={h}")
    prev = h
