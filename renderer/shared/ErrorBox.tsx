/**
 * The one error box: a plain-words title, the engine's message and one line per field at fault.
 * Every view shows engine errors through it, so they read the same everywhere.
 */
import type { ReactNode } from 'react';
import type { RpcError } from '../../src/contract/common';
import { plainError } from './errors';

export function ErrorBox({
  error,
  title,
  testId,
  children,
}: {
  error: RpcError;
  /** Overrides the title derived from the code, e.g. "Trades CSV could not be exported". */
  title?: string;
  testId?: string;
  /** Extra guidance under the message (what to do next). */
  children?: ReactNode;
}) {
  const p = plainError(error);
  return (
    <div className="errors" role="alert" data-testid={testId} data-code={error.code}>
      <div className="errors-title">{title ?? p.title}</div>
      {p.message ? <div className="small">{p.message}</div> : null}
      {p.lines.length > 0 ? (
        <ul>
          {p.lines.map((l, i) => (
            <li key={i} data-testid="error-line">
              {l}
            </li>
          ))}
        </ul>
      ) : null}
      {children}
    </div>
  );
}
