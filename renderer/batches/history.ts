/** The Start form's History (days) field, read with the contract's own bounds and default. */
import { BatchSettings } from '../../src/contract/batches';
import { count } from './batchText';

const HISTORY = BatchSettings.shape.history_days;
/** The contract's default (756 trading days, about three years). */
export const DEFAULT_HISTORY_DAYS = BatchSettings.parse({}).history_days;

/** The history_days field's value, or why it is refused (the contract's own bounds). */
export function parseHistoryDays(
  text: string,
): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim().replace(/[,_ ]/g, '');
  if (t === '') return { ok: true, value: DEFAULT_HISTORY_DAYS };
  const n = Number(t);
  const r = HISTORY.safeParse(n);
  if (!/^\d+$/.test(t) || !r.success) {
    const lo = HISTORY.unwrap().minValue ?? 2;
    const hi = HISTORY.unwrap().maxValue ?? Infinity;
    return { ok: false, message: `must be a whole number of days from ${lo} to ${count(hi)}` };
  }
  return { ok: true, value: r.data };
}
