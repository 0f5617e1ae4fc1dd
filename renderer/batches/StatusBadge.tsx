import type { BatchStatus } from '../../src/contract/batches';
import { STATUS_TEXT } from './batchText';

/** A batch's status as a badge, with what it means as its tooltip. */
export function StatusBadge({ status, testId }: { status: BatchStatus; testId: string }) {
  const w = STATUS_TEXT[status];
  return (
    <span
      className={`badge tone-${w.tone}`}
      data-testid={testId}
      data-status={status}
      title={w.help}
    >
      {w.label}
    </span>
  );
}
