/** Small shared pieces of the workstation UI. */
import type { ReactNode } from 'react';
import { isNoHistory, sourceLabel } from './format';

export function ActionBadge({ action }: { action: 'Buy' | 'Sell' | 'Hold' }) {
  return <span className={`badge action-${action.toLowerCase()}`}>{action}</span>;
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
