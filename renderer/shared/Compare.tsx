/**
 * The one A/B comparison table: one row per item with its value in A, in B and the change
 * Δ = B − A, coloured by sign (positive green, negative red). Used wherever two runs, or current
 * and proposed, are set side by side (run comparison: trades, risk, optimized targets).
 */
import type { ReactNode } from 'react';
import { rowDelta } from './delta';
import { DASH, num } from './format';
import { signClass } from './ui';

/** Formats one figure; receives null for "no figure" (e.g. volatility without history). */
export type Fmt = (x: number | null) => string;

export interface CompareRow {
  key: string;
  label: ReactNode;
  /** Tooltip of the label (what the figure means). */
  labelTitle?: string | undefined;
  /** `undefined`: the item is absent from that side (shown as a muted dash, no Δ). */
  a: number | null | undefined;
  b: number | null | undefined;
  /** Δ when the engine computed it; default B − A when both are numbers, else none. */
  delta?: number | null | undefined;
  /** Shown before the figure of A / B (e.g. the trade's action badge). */
  aTag?: ReactNode;
  bTag?: ReactNode;
  /** This row's formatters (default: the table's). */
  fmt?: Fmt | undefined;
  fmtDelta?: Fmt | undefined;
  /** data-testid of the row (e.g. "compare-trade-row"); default: the table's `rowTestId`. */
  testId?: string | undefined;
  /** Extra data-* attributes of the row, e.g. `{ 'data-asset': 'JPM' }`. */
  data?: Record<`data-${string}`, string> | undefined;
}

const defaultFmt: Fmt = (x) => num(x, 2);

export function CompareTable({
  rows,
  labelHead,
  heads = ['A', 'B', 'Δ'],
  fmt = defaultFmt,
  fmtDelta,
  testId,
  rowTestId,
  caption,
}: {
  rows: CompareRow[];
  /** Heading of the label column, e.g. "Asset" or "Metric". */
  labelHead: string;
  /** Headings of the A, B and Δ columns. */
  heads?: [string, string, string];
  fmt?: Fmt;
  /** Default: `fmt`. */
  fmtDelta?: Fmt;
  testId?: string;
  rowTestId?: string;
  /** Accessible caption (visually hidden). */
  caption?: string;
}) {
  const side = (v: number | null | undefined, tag: ReactNode, f: Fmt) =>
    v === undefined ? (
      <span className="muted">{DASH}</span>
    ) : (
      <span className="cmp-cell">
        {tag}
        <span>{f(v)}</span>
      </span>
    );
  return (
    <div tabIndex={0} className="table-wrap">
      <table className="grid compact compare" data-testid={testId}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          <tr>
            <th>{labelHead}</th>
            <th className="n">{heads[0]}</th>
            <th className="n">{heads[1]}</th>
            <th className="n">{heads[2]}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const f = r.fmt ?? fmt;
            const fd = r.fmtDelta ?? fmtDelta ?? f;
            const d = rowDelta(r);
            return (
              <tr key={r.key} data-testid={r.testId ?? rowTestId} {...r.data}>
                <td className="strong" title={r.labelTitle}>
                  {r.label}
                </td>
                <td className="n" data-testid="compare-a">
                  {side(r.a, r.aTag, f)}
                </td>
                <td className="n" data-testid="compare-b">
                  {side(r.b, r.bTag, f)}
                </td>
                <td className={`n ${signClass(d)}`} data-testid="compare-delta">
                  {d === null ? DASH : fd(d)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
