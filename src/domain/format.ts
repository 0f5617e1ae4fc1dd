/**
 * Fixed, locale-free number text for engine messages (agent summaries, supervisor checks,
 * pre-trade controls), so the same figure reads the same everywhere.
 */

/**
 * A fraction as a percent with 2 decimals: 100·x rounded by toFixed(2), then "%".
 * @example percent(0.05982) // "5.98%"; percent(-0.39885) // "-39.88%" (toFixed rounding)
 */
export function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** percent(x), or "n/a" for a figure that does not exist (null). */
export function percentOrNa(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : percent(x);
}
