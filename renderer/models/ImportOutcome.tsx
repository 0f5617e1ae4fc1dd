/**
 * What an accounts or price-library import did: one line (imported, or nothing saved and why),
 * the rejected rows and warnings (the Import view's own tables), then each account or series
 * with what happened to it (created, updated, extended, unchanged …).
 */
import { Rejections, ReportWarnings } from '../import/Import';
import { num, units } from '../shared/format';
import type { BookOutcome } from './BookImport';

type Imported = Exclude<BookOutcome, { kind: 'error' }>;

function Headline({ outcome }: { outcome: Imported }) {
  const { ok, report } = outcome.value;
  const what = outcome.kind === 'accounts' ? 'account' : 'series';
  const n =
    outcome.kind === 'accounts' ? outcome.value.accounts.length : outcome.value.series.length;
  return (
    <div
      className={`outcome ${ok ? 'outcome-ok' : 'outcome-bad'}`}
      role="status"
      data-testid="book-outcome"
      data-ok={ok}
    >
      {ok ? (
        <>
          <strong>Imported.</strong> {report.rows_accepted} of {report.rows_read} rows of “
          {report.filename}”: {n} {what}
          {n === 1 || what === 'series' ? '' : 's'}.
        </>
      ) : (
        <>
          <strong>Not imported.</strong> {report.rejected_count} problem
          {report.rejected_count === 1 ? '' : 's'} in “{report.filename}”; nothing was saved (all or
          nothing).
        </>
      )}
    </div>
  );
}

function Accounts({
  rows,
}: {
  rows: Extract<Imported, { kind: 'accounts' }>['value']['accounts'];
}) {
  if (rows.length === 0) return null;
  return (
    <div className="table-wrap book-result">
      <table className="grid compact" data-testid="book-accounts">
        <thead>
          <tr>
            <th>Account</th>
            <th>Name</th>
            <th>Model</th>
            <th>Action</th>
            <th className="n">Version</th>
            <th className="n">Positions</th>
            <th className="n">Cash</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr
              key={a.account_id}
              data-testid="book-account"
              data-account={a.account_id}
              data-action={a.action}
            >
              <td className="mono">{a.account_id}</td>
              <td>{a.name}</td>
              <td>{a.model_id ?? <span className="muted">none</span>}</td>
              <td>
                <span className={`badge ${a.action === 'unchanged' ? 'quiet' : 'status-ok'}`}>
                  {a.action}
                </span>
              </td>
              <td className="n">{a.version}</td>
              <td className="n">{units(a.positions)}</td>
              <td className="n">{num(a.cash, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Series({ rows }: { rows: Extract<Imported, { kind: 'library' }>['value']['series'] }) {
  if (rows.length === 0) return null;
  return (
    <div className="table-wrap book-result">
      <table className="grid compact" data-testid="book-series">
        <thead>
          <tr>
            <th>Symbol</th>
            <th>Action</th>
            <th className="n">Version</th>
            <th>First</th>
            <th>Last</th>
            <th className="n">Closes</th>
            <th className="n">Dates added</th>
            <th className="n">Closes revised</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr
              key={s.symbol}
              data-testid="book-series-row"
              data-symbol={s.symbol}
              data-action={s.action}
            >
              <td className="strong">{s.symbol}</td>
              <td>
                <span className={`badge ${s.action === 'unchanged' ? 'quiet' : 'status-ok'}`}>
                  {s.action}
                </span>
              </td>
              <td className="n">{s.version}</td>
              <td className="nowrap">{s.first_date}</td>
              <td className="nowrap">{s.last_date}</td>
              <td className="n">{units(s.count)}</td>
              <td className="n">{units(s.added_dates)}</td>
              <td className="n">{units(s.revised_closes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ImportOutcome({ outcome }: { outcome: Imported }) {
  return (
    <div className="book-outcome" data-testid="book-result" data-ok={outcome.value.ok}>
      <Headline outcome={outcome} />
      <Rejections report={outcome.value.report} />
      <ReportWarnings report={outcome.value.report} />
      {outcome.kind === 'accounts' ? (
        <Accounts rows={outcome.value.accounts} />
      ) : (
        <Series rows={outcome.value.series} />
      )}
    </div>
  );
}
