import fs from 'node:fs';
import { openDatabase, SqliteAuditLog } from './src/store';
import { SqliteRunRepository } from './src/store/runs';
const mode = process.argv[2];
const dir = fs.mkdtempSync('/tmp/exp/w');
const o = openDatabase({ dir });
if (mode === 'nockpt') o.db.pragma('wal_autocheckpoint = 0');
const audit = new SqliteAuditLog(o.db, dir, Date.now);
const runs = new SqliteRunRepository(o.db, audit);
const out = JSON.stringify({ pad: 'x'.repeat(18000) });
const ms: number[] = [];
for (let i = 0; i < 3000; i++) {
  const t = performance.now();
  runs.save({ kind: 'rebalance', status: 'succeeded', engine_version: '1', model_versions_json: '{}', input_json: '{"a":' + i + '}', output_json: out, duration_ms: 1 });
  ms.push(performance.now() - t);
  if (mode === 'manual' && i % 150 === 149) { const t2 = performance.now(); o.db.pragma('wal_checkpoint(PASSIVE)'); if (i < 1000) console.log('ckpt', (performance.now() - t2).toFixed(1)); }
}
ms.sort((a, b) => a - b);
console.log(mode, 'p50', ms[1500]!.toFixed(3), 'p99', ms[2969]!.toFixed(3), 'max', ms[2999]!.toFixed(1), 'wal MB', (fs.statSync(dir + '/rebalancer.sqlite-wal').size / 1e6).toFixed(1));
o.db.close(); fs.rmSync(dir, { recursive: true });
