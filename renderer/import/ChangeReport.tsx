/**
 * What a merge into the request changed: series added and replaced, the request's dates before
 * and after, the benchmark (cut to the same dates or not) and the assets still without prices.
 * Every figure comes from mergeSeries' report (renderer/import/merge.ts).
 */
import { LIMITS } from '../../src/contract/rebalance';
import { num } from '../shared/format';
import type { MergeChange } from './merge';

const span = (n: number, first: string | null, last: string | null) =>
  n === 0 ? 'none' : `${num(n, 0)} (${first} … ${last})`;

export function ChangeReport({ change: c, filename }: { change: MergeChange; filename: string }) {
  const covered = c.assetCount - c.assetsWithoutPrices.length;
  const warn = c.assetsWithoutPrices.length > 0;
  return (
    <div className="change-report" data-testid="import-change">
      <div
        className={`${warn ? 'note-warn' : 'note-ok'} small`}
        data-testid="import-used"
        data-warn={warn}
        role="status"
      >
        Prices from {filename} ({num(c.datesAfter, 0)} dates) are in the request: {covered} of{' '}
        {c.assetCount} assets covered
        {warn ? `; no prices for ${c.assetsWithoutPrices.join(', ')}.` : '.'}
      </div>
      <dl className="change-list small">
        <dt>Added</dt>
        <dd data-testid="import-change-added">{c.added.length ? c.added.join(', ') : 'none'}</dd>
        <dt>Replaced</dt>
        <dd data-testid="import-change-replaced">
          {c.replaced.length ? c.replaced.join(', ') : 'none'}
        </dd>
        <dt>Kept</dt>
        <dd data-testid="import-change-kept">
          {c.kept.length ? `${c.kept.join(', ')} (on the merged dates)` : 'none'}
        </dd>
        <dt>Dates</dt>
        <dd data-testid="import-change-dates" data-before={c.datesBefore} data-after={c.datesAfter}>
          {span(c.datesBefore, c.firstBefore, c.lastBefore)} →{' '}
          {span(c.datesAfter, c.firstAfter, c.lastAfter)}
          {c.truncated > 0
            ? `; the oldest ${num(c.truncated, 0)} common dates left out (a request holds at most ${num(LIMITS.maxHistory, 0)})`
            : ''}
        </dd>
        <dt>Benchmark</dt>
        <dd
          data-testid="import-change-benchmark"
          data-realigned={c.benchmark?.realigned ?? false}
          data-dropped={c.benchmark?.dropped ?? 0}
        >
          {!c.benchmark
            ? 'none in the request'
            : c.benchmark.realigned
              ? `${c.benchmark.name} re-aligned to the merged dates: ${num(c.benchmark.dropped, 0)} of ${num(c.benchmark.pointsBefore, 0)} points dropped, ${num(c.benchmark.pointsAfter, 0)} kept`
              : `${c.benchmark.name} still aligned: ${num(c.benchmark.pointsAfter, 0)} points, none dropped`}
        </dd>
        <dt>Without prices</dt>
        <dd data-testid="import-change-missing">
          {c.assetsWithoutPrices.length ? c.assetsWithoutPrices.join(', ') : 'none'}
        </dd>
      </dl>
    </div>
  );
}
