/** Small shared pieces of the workstation UI. */
import type { ReactNode } from 'react';
import { bandConstraint, isNoHistory, orderStatus, sourceLabel } from './format';

export function ActionBadge({ action }: { action: 'Buy' | 'Sell' | 'Hold' }) {
  return <span className={`badge action-${action.toLowerCase()}`}>{action}</span>;
}

/** What an order (or an asset's trade) did, in plain words; the tooltip says what it means. */
export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  const s = orderStatus(status);
  return (
    <span
      className={`badge st-${s.tone}`}
      data-testid={testId ?? 'order-status'}
      data-status={status}
      title={s.help}
    >
      {s.label}
    </span>
  );
}

/**
 * Band status after the trades: "inside", or "outside" with the constraint that prevented it
 * ("turnover cap", "lot size" …). Rows saved before the field existed show a dash.
 */
export function PostTradeBand({
  status,
  constraint,
}: {
  status: 'inside' | 'outside' | null | undefined;
  constraint: string | null | undefined;
}) {
  if (!status) return <span className="muted">—</span>;
  if (status === 'inside')
    return (
      <span className="badge quiet" data-testid="post-band" data-status="inside">
        inside
      </span>
    );
  const c = bandConstraint(constraint);
  return (
    <span
      className="post-band"
      data-testid="post-band"
      data-status="outside"
      data-constraint={constraint ?? ''}
      title={
        c.help ? `Still outside after the trades: ${c.help}` : 'Still outside after the trades'
      }
    >
      <span className="badge flag">outside</span>
      {constraint ? <span className="post-band-why">{c.label}</span> : null}
    </span>
  );
}

/** Whether the plan trades with or against the forecast. */
export function AlignmentBadge({ alignment }: { alignment: 'with' | 'against' | 'no_trade' }) {
  const label = alignment === 'no_trade' ? 'no trade' : alignment;
  const cls =
    alignment === 'with' ? 'status-ok' : alignment === 'against' ? 'status-warn' : 'quiet';
  return (
    <span className={`badge ${cls}`} data-testid="alignment-badge" data-alignment={alignment}>
      {label}
    </span>
  );
}

/** Where a figure came from; assumptions (no history) are marked so they are never mistaken. */
export function SourceTag({ source, short }: { source: string; short?: boolean }) {
  return (
    <span
      className={`source ${isNoHistory(source) ? 'source-assumed' : 'source-data'}`}
      data-testid="source-tag"
      data-source={source}
      title={
        isNoHistory(source)
          ? 'No price history: the figure is the market_return given in the request, not an estimate from data.'
          : 'Estimated from the history supplied in the request.'
      }
    >
      {short && isNoHistory(source) ? 'no history' : sourceLabel(source)}
    </span>
  );
}

export function Empty({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId}>
      {children}
    </div>
  );
}

/** Sign class for coloring numbers: positive green, negative red, zero neutral. */
export function signClass(x: number | null | undefined): string {
  if (typeof x !== 'number' || !Number.isFinite(x) || x === 0) return '';
  return x > 0 ? 'pos' : 'neg';
}
