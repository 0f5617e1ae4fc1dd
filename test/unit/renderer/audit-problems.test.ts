/**
 * The Audit view's wording of a verification (renderer/audit/verifyText.ts): every problem kind
 * the engine can report has plain words, rows carry seq/run/fields as shown, "and N more" appears
 * only beyond the listed problems, and an exported head is read back into verifyAudit's inputs.
 */
import { describe, expect, it } from 'vitest';
import { VerifyProblem } from '../../../src/contract/store';
import {
  headFileName,
  kindText,
  moreText,
  parseExportedHead,
  PROBLEM_KIND_TEXT,
  problemCount,
  problemRows,
  summaryFacts,
  type Verification,
} from '../../../renderer/audit/verifyText';

const HASH = 'ab'.repeat(32);
const MAC = 'cd'.repeat(32);

function verification(over: Partial<Verification> = {}): Verification {
  return {
    ok: true,
    events: 4,
    first_bad_seq: null,
    reason: null,
    runs_checked: 2,
    head_keyed: true,
    problems: [],
    problems_total: 0,
    ...over,
  };
}

describe('problem kinds in plain words', () => {
  it('covers every kind of the contract, with the words the PM reads', () => {
    expect(Object.keys(PROBLEM_KIND_TEXT).sort()).toEqual(
      [...VerifyProblem.shape.kind.options].sort(),
    );
    expect(kindText('run_mismatch')).toBe('run differs from its audit record');
    expect(kindText('run_without_event')).toBe('run has no audit record');
    expect(kindText('event_without_run')).toBe('audit record names a missing run');
    expect(kindText('chain')).toBe('chain broken');
    expect(kindText('known_head')).toBe('exported head no longer in the chain');
  });

  it('shows a kind from a newer engine as it came, underscores as spaces', () => {
    expect(kindText('new_kind_x')).toBe('new kind x');
  });
});

describe('problemRows', () => {
  it('formats seq, run, fields and message; a missing run cannot be opened', () => {
    const rows = problemRows([
      {
        kind: 'run_mismatch',
        seq: 7,
        run_id: 'R1',
        fields: ['output_json', 'status'],
        message: 'run R1 differs',
      },
      { kind: 'event_without_run', seq: 9, run_id: 'R9', message: 'names R9' },
      { kind: 'head_mac', message: 'bad mac' },
    ]);
    expect(rows.map(({ key: _k, ...r }) => r)).toEqual([
      {
        kind: 'run_mismatch',
        kindText: 'run differs from its audit record',
        seq: '#7',
        runId: 'R1',
        runStored: true,
        fields: 'output_json, status',
        message: 'run R1 differs',
      },
      {
        kind: 'event_without_run',
        kindText: 'audit record names a missing run',
        seq: '#9',
        runId: 'R9',
        runStored: false,
        fields: '',
        message: 'names R9',
      },
      {
        kind: 'head_mac',
        kindText: 'head file signature does not verify',
        seq: '',
        runId: null,
        runStored: false,
        fields: '',
        message: 'bad mac',
      },
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
  });
});

describe('summary', () => {
  it('"and N more" only when the total exceeds the list', () => {
    const one = [{ kind: 'chain' as const, seq: 3, message: 'x' }];
    expect(moreText({ problems: one, problems_total: 1 })).toBeNull();
    expect(moreText({ problems: one, problems_total: 131 })).toBe('and 130 more');
    expect(problemCount({ problems_total: 1 })).toBe('Problem found: 1');
    expect(problemCount({ problems_total: 131 })).toBe('Problems found: 131');
  });

  it('lists events, runs, the head key, and the exported head when one was checked', () => {
    expect(summaryFacts(verification({ head_keyed: false }), null)).toEqual([
      { id: 'events', label: 'Events checked', value: '4' },
      { id: 'runs', label: 'Runs checked', value: '2' },
      { id: 'keyed', label: 'Head file', value: 'not keyed: signature not checked' },
    ]);
    const known = { head_seq: 12, head_hash: HASH };
    expect(summaryFacts(verification(), known).at(-1)).toEqual({
      id: 'known',
      label: 'Exported head',
      value: 'seq 12: still held by the chain',
    });
    const lost = verification({
      ok: false,
      problems: [{ kind: 'known_head', seq: 12, message: 'gone' }],
      problems_total: 1,
    });
    expect(summaryFacts(lost, known).at(-1)?.value).toBe('seq 12: NOT held by the chain');
  });
});

describe('the exported head file', () => {
  it('is named audit-head-<seq>-<date>.json after the export date', () => {
    expect(headFileName({ seq: 42, exported_at: '2025-03-04T10:11:12.000Z' })).toBe(
      'audit-head-42-2025-03-04.json',
    );
    expect(headFileName({ seq: 0, exported_at: '' }, new Date('2024-01-02T03:00:00Z'))).toBe(
      'audit-head-0-2024-01-02.json',
    );
  });

  it('is read back into head_seq/head_hash, head_mac only when it carries one', () => {
    const file = {
      format: 'spr-audit-head-export/1',
      seq: 5,
      hash: HASH,
      events: 5,
      event_ts: null,
      exported_at: '2025-01-01T00:00:00Z',
      mac: MAC,
    };
    expect(parseExportedHead(JSON.stringify(file))).toEqual({
      ok: true,
      head: { head_seq: 5, head_hash: HASH, head_mac: MAC },
    });
    expect(parseExportedHead(JSON.stringify({ ...file, mac: null }))).toEqual({
      ok: true,
      head: { head_seq: 5, head_hash: HASH },
    });
  });

  it('refuses anything else in plain words', () => {
    const msg = (t: string) => {
      const r = parseExportedHead(t);
      return r.ok ? null : r.error.message;
    };
    expect(msg('  ')).toMatch(/paste or load/i);
    expect(msg('{not json')).toMatch(/not JSON/);
    expect(msg('[1]')).toMatch(/JSON object/);
    expect(msg(JSON.stringify({ format: 'other/1', seq: 1, hash: HASH }))).toMatch(
      /Unknown format/,
    );
    expect(msg(JSON.stringify({ seq: -1, hash: HASH }))).toMatch(/"seq"/);
    expect(msg(JSON.stringify({ seq: 1, hash: 'ABC' }))).toMatch(/"hash"/);
    expect(msg(JSON.stringify({ seq: 1, hash: HASH, mac: 'zz' }))).toMatch(/"mac"/);
  });
});
