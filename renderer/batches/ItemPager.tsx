import { ITEM_PAGE } from './useBatch';
import { count } from './batchText';

/**
 * Pages through a large batch's accounts (the exceptions listed are those of the page); shown
 * only when the batch has more accounts than one page.
 */
export function ItemPager({
  from,
  shown,
  total,
  next,
  onPage,
}: {
  from: number;
  shown: number;
  total: number;
  next: number | null;
  onPage: (from: number) => void;
}) {
  if (from === 0 && next === null) return null;
  return (
    <nav className="batch-pager" aria-label="Pages of accounts" data-testid="batch-pager">
      <button
        type="button"
        className="btn"
        disabled={from === 0}
        onClick={() => onPage(Math.max(0, from - ITEM_PAGE))}
      >
        ← Previous
      </button>
      <span className="small muted">
        Accounts {count(shown === 0 ? from : from + 1)}–{count(from + shown)} of {count(total)}
      </span>
      <button
        type="button"
        className="btn"
        disabled={next === null}
        onClick={() => next !== null && onPage(next)}
      >
        Next →
      </button>
    </nav>
  );
}
