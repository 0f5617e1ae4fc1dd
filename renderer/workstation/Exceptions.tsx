/**
 * The exceptions at the top of every result: each asset's band status after the trades (a compact
 * strip: inside, or outside with the constraint that kept it there) and one list of what a PM
 * must look at — assets still outside their band, orders a pre-trade control blocked,
 * data-health findings for review — each naming the asset, order or field and the reason, with a
 * button to the tab that shows it in full. One line when there is none.
 */
import { useId } from 'react';
import type { RebalanceResponse } from '../shared/types';
import {
  bandStatuses,
  dataWarnings,
  exceptionsOf,
  TAB_LABEL,
  type BandStatus,
  type ExceptionTab,
} from './exceptionItems';
import './exceptions.css';

/** Above this many assets the strip shows only those outside (plus a count of the rest). */
const STRIP_ALL_UP_TO = 40;

export function Exceptions({
  r,
  onTab,
}: {
  r: RebalanceResponse;
  /** Opens a result tab; without it (a result shown outside the tabs) no buttons are shown. */
  onTab?: ((tab: ExceptionTab) => void) | undefined;
}) {
  const titleId = useId();
  const items = exceptionsOf(r);
  const count = (k: string) => items.filter((i) => i.kind === k).length;
  const warned = dataWarnings(r);
  const go = (tab: ExceptionTab, what: string) =>
    onTab ? (
      <button
        type="button"
        className="btn exc-go"
        data-testid="exception-go"
        data-tab={tab}
        aria-label={`Show ${what} in ${TAB_LABEL[tab]}`}
        onClick={() => onTab(tab)}
      >
        {TAB_LABEL[tab]} →
      </button>
    ) : null;
  return (
    <section
      className={`exc-panel ${items.length ? 'has-items' : 'clean'}`}
      aria-labelledby={titleId}
      data-testid="exceptions"
      data-count={items.length}
      data-outside={count('band')}
      data-blocked={count('blocked')}
      data-findings={count('data')}
    >
      <div className="exc-head">
        <h3 id={titleId} className="exc-title">
          Exceptions{' '}
          <span className={`count ${items.length ? 'warn' : ''}`} data-testid="exceptions-count">
            {items.length}
          </span>
        </h3>
        <BandStrip statuses={bandStatuses(r)} />
      </div>
      {items.length === 0 ? (
        <p className="exc-none" data-testid="exceptions-none">
          None: every asset ends inside its band, no order is blocked and no data-health finding
          needs review.
        </p>
      ) : (
        <ul className="exc-items" aria-label="Exceptions">
          {items.map((it, i) => (
            <li
              key={`${it.kind}-${it.subject}-${i}`}
              className="exc-item"
              data-testid="exception-item"
              data-kind={it.kind}
              data-subject={it.subject}
            >
              <span className={`badge tone-${it.tone}`}>{it.badge}</span>
              <span className="exc-text">
                <strong className="exc-subject" data-testid="exception-subject">
                  {it.subject}
                </strong>{' '}
                <span data-testid="exception-reason">{it.reason}</span>
              </span>
              {go(it.tab, it.subject)}
            </li>
          ))}
        </ul>
      )}
      {warned > 0 ? (
        <p className="exc-note small muted" data-testid="exceptions-warned">
          {warned} data-health warning{warned === 1 ? '' : 's'} the policy only notes (not an
          exception). {go('agents', 'the data-health warnings')}
        </p>
      ) : null}
    </section>
  );
}

/** One chip per asset: its name and "inside", or "outside · <constraint>". */
function BandStrip({ statuses }: { statuses: BandStatus[] }) {
  const known = statuses.filter((s) => s.status !== null);
  if (known.length === 0) return null;
  const shown =
    known.length <= STRIP_ALL_UP_TO ? known : known.filter((s) => s.status === 'outside');
  const hidden = known.length - shown.length;
  const outside = known.filter((s) => s.status === 'outside').length;
  return (
    <ul
      className="band-strip"
      data-testid="band-strip"
      aria-label={`Band status after the trades: ${known.length - outside} inside, ${outside} outside`}
    >
      {shown.map((s) => (
        <li
          key={s.asset}
          className={`bs bs-${s.status ?? ''}`}
          data-testid="band-status"
          data-asset={s.asset}
          data-status={s.status ?? ''}
          data-constraint={s.constraintCode ?? ''}
          title={
            s.status === 'inside'
              ? `${s.asset}: inside its band after the trades`
              : `${s.asset}: still outside its band after the trades${s.constraint ? ` (${s.constraint})` : ''}`
          }
        >
          <span className="bs-mark" aria-hidden>
            {s.status === 'inside' ? '✓' : '!'}
          </span>
          <span className="bs-name">{s.asset}</span>
          {/* "inside" is read out, not shown: the tick says it; "outside" is shown in words. */}
          <span className={s.status === 'inside' ? 'bs-state exc-sr' : 'bs-state'}>
            {s.status === 'inside'
              ? 'inside'
              : `outside${s.constraint ? ` · ${s.constraint}` : ''}`}
          </span>
        </li>
      ))}
      {hidden > 0 ? (
        <li className="bs bs-more" data-testid="band-status-more">
          + {hidden} inside
        </li>
      ) : null}
    </ul>
  );
}
