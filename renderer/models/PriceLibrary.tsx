/**
 * The shared price library: one line with the number of series, and the series themselves
 * (symbol, version, first and last date, closes) behind a disclosure.
 */
import type { OpOutput } from '../../src/contract/operations';
import { units } from '../shared/format';
import { Empty } from '../shared/ui';

type Series = OpOutput<'getPriceLibrary'>['series'][number];

export function PriceLibrary({ series }: { series: Series[] }) {
  if (series.length === 0)
    return (
      <Empty testId="library-empty">
        The price library is empty. Import a price file above (Price library file): every account’s
        run takes its prices and history from it.
      </Empty>
    );
  return (
    <details className="library" data-testid="library">
      <summary>
        <span data-testid="library-count">{series.length}</span> series:{' '}
        <span className="muted">
          {series
            .slice(0, 12)
            .map((s) => s.symbol)
            .join(', ')}
          {series.length > 12 ? ` … +${series.length - 12}` : ''}
        </span>
      </summary>
      <div className="table-wrap library-table">
        <table className="grid compact" data-testid="library-table">
          <thead>
            <tr>
              <th>Symbol</th>
              <th className="n">Version</th>
              <th>First</th>
              <th>Last</th>
              <th className="n">Closes</th>
            </tr>
          </thead>
          <tbody>
            {series.map((s) => (
              <tr key={s.symbol} data-testid="library-row" data-symbol={s.symbol}>
                <td className="strong">{s.symbol}</td>
                <td className="n">v{s.version}</td>
                <td className="nowrap">{s.first_date}</td>
                <td className="nowrap">{s.last_date}</td>
                <td className="n">{units(s.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
