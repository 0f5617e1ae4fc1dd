import type { RebalanceResponse } from '../../shared/types';
import { Empty } from '../../shared/ui';

/** Every warning of the run, with its code and the input path it concerns. */
export function WarningsView({ r }: { r: RebalanceResponse }) {
  return (
    <div data-testid="view-warnings">
      {r.warnings.length === 0 ? (
        <Empty testId="no-warnings">No warnings for this run.</Empty>
      ) : (
        <table className="grid" data-testid="warnings-table">
          <thead>
            <tr>
              <th>Code</th>
              <th>Path</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {r.warnings.map((w, i) => (
              <tr key={i} data-testid="warning-row" data-code={w.code}>
                <td>
                  <code>{w.code}</code>
                </td>
                <td className="path">{w.path ?? '—'}</td>
                <td className="reason">{w.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
