"""Independent reference for test/unit/import: reads the real price files with Python's csv module
(not the TypeScript importer) and prints row counts, per-ticker first/last date and count, spot
values, the common-date intersection and SHA-256 of the raw bytes.
Run: python3 test/reference/import_fixtures.py (from the repository root)."""
import csv
import hashlib
import json

FILES = [
    "test/fixtures/skfolio_sp500_dataset.csv",
    "test/fixtures/pypfopt_stock_prices.csv",
    "test/fixtures/riskfolio_stock_prices.csv",
]

for path in FILES:
    raw = open(path, "rb").read()
    rows = list(csv.reader(open(path, newline="")))
    header, body = rows[0], rows[1:]
    dates = [r[0] for r in body]
    series = []
    for j, sym in enumerate(header[1:], 1):
        idx = [i for i, r in enumerate(body) if r[j] != ""]
        series.append([sym, dates[idx[0]], dates[idx[-1]], len(idx)])
    common = [i for i, r in enumerate(body) if all(c != "" for c in r[1:])]
    print(json.dumps({
        "file": path,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "crlf_lines": raw.count(b"\r\n"),
        "rows": len(body),
        "first_date": dates[0],
        "last_date": dates[-1],
        "series": series,
        "common_dates": len(common),
        "first_common": dates[common[0]],
        # spot values: first row, last row, and row 1000 (0-based data index 999)
        "spot_first": {s: float(body[0][j]) if body[0][j] else None for j, s in enumerate(header[1:], 1)},
        "spot_last": {s: float(body[-1][j]) for j, s in enumerate(header[1:], 1)},
        "row_1000": [dates[999]] + [float(x) if x else None for x in body[999][1:4]],
    }))
