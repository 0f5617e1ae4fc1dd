import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HEAD_FILE_NAME,
  createStore,
  defaultHeadKeyFile,
  exportHeadMac,
  loadOrCreateHeadKeyFile,
  readHeadFile,
  writeHeadFile,
} from '../../../src/store';
import { keyedStore, ofKind, saveRuns } from './binding-helpers';
import { runInput, tempDir } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function keyed() {
  const s = keyedStore('store-headkey-');
  cleanups.push(s.cleanup);
  return s;
}
function temp() {
  const t = tempDir('store-keyfile-');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('keyed head file', () => {
  it('every record the store writes carries a MAC that verifies only with its key', () => {
    const { dir, key, open } = keyed();
    const store = open();
    saveRuns(store);
    store.close();
    const read = readHeadFile(dir, key);
    expect(read).toMatchObject({ state: 'ok', mac: 'ok', head: { committed: { seq: 4 } } });
    expect(readHeadFile(dir, randomBytes(32))).toMatchObject({ state: 'ok', mac: 'bad' });
    expect(readHeadFile(dir)).toMatchObject({ state: 'ok', mac: 'unchecked' });
  });

  it('a head file rewritten without the key (closed store) is named at the next open', () => {
    const { dir, open } = keyed();
    let store = open();
    saveRuns(store);
    store.close();
    // A consistent head (same seq and hash, valid check value) but no key: no valid MAC.
    const h = readHeadFile(dir);
    if (h.state !== 'ok') throw new Error('no head');
    writeHeadFile(dir, h.head, h.counter + 1);
    store = open();
    const v = store.audit.verify();
    store.close();
    expect(v.ok).toBe(false);
    expect(v.problems).toMatchObject([
      {
        kind: 'head_mac',
        message: expect.stringMatching(/^at open: the audit head file carries no MAC/),
      },
    ]);
    const evidence = fs.readdirSync(dir).filter((f) => f.startsWith('audit-head.mismatch-'));
    expect(evidence).toHaveLength(1);
    // The next session still reports it from the evidence file, as head_mac.
    store = open();
    expect(ofKind(store.audit.verify(), 'head_mac')).toHaveLength(1);
    store.close();
  });

  it('a head file forged with another key, or edited while the store runs, is named', () => {
    const { dir, open } = keyed();
    const store = open();
    saveRuns(store);
    const h = readHeadFile(dir);
    if (h.state !== 'ok') throw new Error('no head');
    // Edited under the running store (replaced by a record signed with a guessed key).
    writeHeadFile(dir, h.head, h.counter + 1, randomBytes(32));
    const v = store.audit.verify();
    store.close();
    expect(v.ok).toBe(false);
    expect(v.problems).toMatchObject([
      { kind: 'head_mac', message: expect.stringMatching(/MAC does not verify/) },
    ]);
  });

  it('a store opened without a key writes no MAC and says so; a later keyed open names it', () => {
    const t = tempDir('store-nokey-');
    cleanups.push(t.cleanup);
    const plain = createStore({ dir: t.dir });
    plain.runs.save(runInput());
    expect(plain.audit.verify()).toMatchObject({ ok: true, head_keyed: false });
    plain.close();
    const store = createStore({ dir: t.dir, headKey: randomBytes(32) });
    const v = store.audit.verify();
    store.close();
    expect(v).toMatchObject({ ok: false, head_keyed: true });
    expect(v.problems).toMatchObject([{ kind: 'head_mac' }]);
  });

  it('refuses a key shorter than 16 bytes', () => {
    expect(() => createStore({ dir: temp(), headKey: randomBytes(8) })).toThrow(/at least 16/);
  });
});

describe('exported head: rollback and truncation detection', () => {
  it('exportHead is the last event, with a MAC over (seq, hash)', () => {
    const { key, open } = keyed();
    const store = open();
    expect(store.audit.exportHead()).toMatchObject({ seq: 0, events: 0, event_ts: null });
    const runs = saveRuns(store);
    const e = store.audit.exportHead();
    const last = store.audit.list({ after_seq: 3 })[0]!;
    store.close();
    expect(e).toEqual({
      format: 'spr-audit-head-export/1',
      seq: 4,
      hash: last.hash,
      events: 4,
      event_ts: runs[3]!.created_at,
      exported_at: expect.any(String) as unknown as string,
      mac: exportHeadMac(key, 4, last.hash),
    });
  });

  it('a data directory rolled back to an older copy verifies alone, and fails against the export', () => {
    const { dir, open } = keyed();
    const snap = temp();
    let store = open();
    store.runs.save(runInput());
    store.close();
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(snap, f));
    store = open();
    saveRuns(store);
    const exported = store.audit.exportHead();
    store.close();
    // Roll the whole directory back: database and head file agree, the MAC is genuine.
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { recursive: true });
    for (const f of fs.readdirSync(snap)) fs.copyFileSync(path.join(snap, f), path.join(dir, f));
    store = open();
    try {
      expect(store.audit.verify()).toMatchObject({ ok: true, events: 1 });
      const known = { seq: exported.seq, hash: exported.hash, mac: exported.mac! };
      const v = store.audit.verify({ known_head: known });
      expect(v.ok).toBe(false);
      expect(v.problems).toEqual([
        {
          kind: 'known_head',
          seq: 5,
          message:
            'the chain no longer contains the exported head (seq 5; its last event is seq 1): ' +
            'events were removed, or the data directory was rolled back to an older copy',
        },
      ]);
    } finally {
      store.close();
    }
  });

  it('a rewritten event at the exported seq, and an export with a bad MAC, are named', () => {
    const { open } = keyed();
    const store = open();
    try {
      saveRuns(store);
      const e = store.audit.exportHead();
      expect(store.audit.verify({ known_head: { seq: e.seq, hash: e.hash, mac: e.mac! } }).ok).toBe(
        true,
      );
      const other = 'f'.repeat(64);
      const v = store.audit.verify({ known_head: { seq: e.seq, hash: other } });
      expect(v.problems).toMatchObject([
        {
          kind: 'known_head',
          seq: 4,
          message: expect.stringMatching(/differs from the exported head/),
        },
      ]);
      const forged = store.audit.verify({ known_head: { seq: e.seq, hash: e.hash, mac: other } });
      expect(forged.problems).toMatchObject([
        { kind: 'known_head', message: expect.stringMatching(/MAC that does not verify/) },
      ]);
    } finally {
      store.close();
    }
  });
});

describe('head key file (browser mode)', () => {
  it('is created once, 32 random bytes as hex, and read back the same', () => {
    const file = path.join(temp(), 'conf', 'head.key');
    const a = loadOrCreateHeadKeyFile(file);
    const b = loadOrCreateHeadKeyFile(file);
    expect(a).toHaveLength(32);
    expect(b.equals(a)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${a.toString('hex')}\n`);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['head.key']); // no temp file left
  });

  it('a file that does not hold a key is an error, never replaced', () => {
    const file = path.join(temp(), 'head.key');
    fs.writeFileSync(file, 'not a key\n');
    expect(() => loadOrCreateHeadKeyFile(file)).toThrow(/does not hold a head key/);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a key\n');
  });

  it('default location: SPR_HEAD_KEY_FILE, else the per-user config folder', () => {
    expect(defaultHeadKeyFile({ SPR_HEAD_KEY_FILE: '/k/h.key' }, '/home/u', 'linux')).toBe(
      path.resolve('/k/h.key'),
    );
    expect(defaultHeadKeyFile({}, '/home/u', 'linux')).toBe(
      path.join('/home/u', '.config', 'smart-portfolio-rebalancer', 'head.key'),
    );
    expect(defaultHeadKeyFile({ XDG_CONFIG_HOME: '/x' }, '/home/u', 'linux')).toBe(
      path.join('/x', 'smart-portfolio-rebalancer', 'head.key'),
    );
    expect(defaultHeadKeyFile({ APPDATA: 'C:\\AppData' }, 'C:\\Users\\u', 'win32')).toBe(
      path.join('C:\\AppData', 'smart-portfolio-rebalancer', 'head.key'),
    );
  });

  it('a store keyed from the file keeps verifying across restarts', () => {
    const file = path.join(temp(), 'head.key');
    const dir = temp();
    let store = createStore({ dir, headKey: loadOrCreateHeadKeyFile(file) });
    store.runs.save(runInput());
    store.close();
    store = createStore({ dir, headKey: loadOrCreateHeadKeyFile(file) });
    expect(store.audit.verify()).toMatchObject({ ok: true, head_keyed: true, runs_checked: 1 });
    store.close();
    expect(fs.existsSync(path.join(dir, HEAD_FILE_NAME))).toBe(true);
  });
});
