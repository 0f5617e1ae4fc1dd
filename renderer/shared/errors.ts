/**
 * Engine errors in plain words. The engine reports every problem with a path and a validator
 * message ("Invalid input: expected number, received string", "Too big: expected number to be
 * <=1"); a PM needs "asset #4 “AAPL” › target weight: must be a number, not text" and "must be
 * at most 1 (100%)". One place turns codes, paths and messages into words, so every view says
 * the same thing the same way. Messages the contract already words ("duplicate asset "A"") pass
 * through; only comparison signs in them become words.
 */
import type { ErrorCode, ErrorDetail, RpcError } from '../../src/contract/common';

/** A short title per error code, for the heading of an error box. */
export const CODE_TITLE: Record<ErrorCode, string> = {
  BAD_REQUEST: 'The input has problems',
  UNAUTHORIZED: 'Not signed in to the local engine',
  FORBIDDEN: 'The engine refused this page',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Not allowed',
  CONFLICT: 'Conflict with what is stored',
  PAYLOAD_TOO_LARGE: 'Too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported format',
  INFEASIBLE: 'The constraints cannot all be met',
  DATA_BLOCKED: 'Blocked by a data-health check',
  TOO_MANY_REQUESTS: 'The engine is busy',
  REQUEST_TIMEOUT: 'The request took too long to arrive',
  HEADERS_TOO_LARGE: 'The request headers are too large',
  SOLVER_LIMIT: 'The optimizer stopped at a limit',
  INTERNAL: 'The engine failed',
  UNAVAILABLE: 'The optimizer is not answering',
};

/** Request fields in a PM's words; fields not listed read as their name with spaces. */
export const FIELD_LABEL: Record<string, string> = {
  portfolio_value: 'portfolio value',
  portfolio_id: 'portfolio',
  as_of: 'valuation date',
  drift_threshold: 'tolerance band',
  turnover_limit: 'turnover cap',
  transaction_cost_bps: 'transaction cost (bps)',
  fixed_fee_per_trade: 'fixed fee per trade',
  risk_free_rate: 'risk-free rate',
  rebalance_to: 'rebalance to',
  cash_weight: 'cash held',
  cash_flow: 'cash flow',
  tilt_budget: 'forecast tilt budget',
  price_history: 'price history',
  monte_carlo: 'Monte Carlo',
  horizon_days: 'horizon (days)',
  block_size: 'block size',
  risk_aversion: 'risk aversion λ',
  target_volatility: 'target volatility',
  target_return: 'target return',
  hrp_linkage: 'HRP linkage',
  risk_budgets: 'risk budgets',
  class_bounds: 'asset-class bounds',
  cash_floor: 'cash floor',
  no_trade: 'no-trade list',
  asset_cost_bps: 'cost per asset (bps)',
  whole_lots: 'whole lots',
  optimizer_time_limit_seconds: 'optimizer time limit (s)',
  asset_class: 'asset class',
  target_weight: 'target weight',
  current_weight: 'current weight',
  market_return: 'market return',
  historical_returns: 'historical returns',
  lot_size: 'lot size',
  min_trade_value: 'minimum trade',
  holding_weight: 'holding weight',
  last_price: 'last price',
  stress_proxies: 'stress proxies',
  factor_series: 'factor series',
};

/**
 * Fields stored as fractions (0.02 = 2 %). Their bounds read both ways in messages:
 * "must be at most 1 (100%)".
 */
const FRACTION_FIELDS = new Set([
  'target_weight',
  'current_weight',
  'holding_weight',
  'drift_threshold',
  'turnover_limit',
  'risk_free_rate',
  'market_return',
  'cash_weight',
  'tilt_budget',
  'cash_floor',
]);

const isIndex = (p: string) => /^\d+$/.test(p);
const label = (p: string) => FIELD_LABEL[p] ?? p.replace(/_/g, ' ');

/** What plainPath reads from the request to name rows ("asset #4 “AAPL”"). */
type Named = Record<string, unknown> | null | undefined;

function nameAt(list: unknown, i: number, key: string): string | null {
  if (!Array.isArray(list)) return null;
  const row: unknown = list[i];
  if (row === null || typeof row !== 'object') return null;
  const n = (row as Record<string, unknown>)[key];
  return typeof n === 'string' && n.trim() !== '' ? n : null;
}

/**
 * A field path in words, rows counted from 1 as on screen and named when the request is given:
 * `plainPath('assets.3.target_weight', req)` → "asset #4 “AAPL” › target weight";
 * `plainPath('monte_carlo.paths')` → "Monte Carlo › paths"; `''` → "the request".
 */
export function plainPath(path: string, req?: Named): string {
  if (path === '' || path === '(root)') return 'the request';
  const parts = path.split('.');
  const out: string[] = [];
  let scope: unknown = req ?? undefined;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k] as string;
    const next = parts[k + 1];
    if ((p === 'assets' || p === 'holdings') && next !== undefined && isIndex(next)) {
      const i = Number(next);
      const list = scope !== null && typeof scope === 'object' ? (scope as Named)?.[p] : undefined;
      const name = nameAt(list, i, p === 'assets' ? 'asset' : 'holding');
      out.push(`${p === 'assets' ? 'asset' : 'holding'} #${i + 1}${name ? ` “${name}”` : ''}`);
      scope = Array.isArray(list) ? (list[i] as unknown) : undefined;
      k++;
      continue;
    }
    if (isIndex(p)) {
      const prev = parts[k - 1];
      const n = Number(p) + 1;
      const series = parts[0] === 'price_history' && parts[1] === 'prices' && k === 3;
      out.push(
        series
          ? `day #${n}`
          : prev === 'dates'
            ? `date #${n}`
            : prev === 'prices'
              ? `price #${n}`
              : prev === 'historical_returns'
                ? `return #${n}`
                : `#${n}`,
      );
      scope = undefined;
      continue;
    }
    if (parts[k - 1] === 'prices' && parts[0] === 'price_history') {
      out.push(`“${p}”`);
      scope = undefined;
      continue;
    }
    // The prices of price_history are implied by naming the series; the benchmark's are not.
    const implied = p === 'prices' && (parts[0] === 'price_history' || isIndex(parts[k + 1] ?? ''));
    if (!implied) out.push(label(p));
    scope = scope !== null && typeof scope === 'object' ? (scope as Named)?.[p] : undefined;
  }
  return out.join(' › ');
}

const TYPE_WORD: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'yes or no (true/false)',
  array: 'a list',
  object: 'a group of fields',
  null: 'empty (null)',
  undefined: 'missing',
  nan: 'not a number',
  NaN: 'not a number',
  date: 'a date',
  bigint: 'a number',
};

/** 25000000 → "25,000,000"; 1e13 → "10,000,000,000,000"; -0.2 → "-0.2". */
function groupDigits(s: string): string {
  const n = Number(s);
  if (!Number.isFinite(n)) return s;
  return n.toLocaleString('en-US', { maximumFractionDigits: 10 });
}

const COMPARE: Record<string, string> = {
  '>=': 'at least',
  '<=': 'at most',
  '>': 'more than',
  '<': 'less than',
};

/** The bound in words, with its percent for a fraction field: "at most 1 (100%)". */
function bound(op: string, n: string, fraction: boolean): string {
  const words = `${COMPARE[op] ?? op} ${groupDigits(n)}`;
  if (!fraction || Number(n) === 0) return words;
  const pctText = `${Number((Number(n) * 100).toPrecision(12))}%`;
  return `${words} (${pctText})`;
}

const last = (path: string | undefined): string => {
  if (!path) return '';
  const parts = path.split('.').filter((p) => !isIndex(p));
  return parts[parts.length - 1] ?? '';
};

/**
 * A validator or engine message in plain words. `path` (optional) tells which field it is about,
 * so bounds of fraction fields also read as percent. Examples:
 * "Invalid input: expected number, received string" → "must be a number, not text";
 * "Too big: expected number to be <=1" (target_weight) → "must be at most 1 (100%)";
 * "Too small: expected array to have >=2 items" → "needs at least 2 items";
 * "Invalid option: expected one of "target"|"full"" → "must be one of: target, full";
 * "must be > 0" → "must be more than 0"; "duplicate asset "A"" → unchanged.
 */
export function plainMessage(message: string, path?: string): string {
  const field = last(path);
  const fraction =
    FRACTION_FIELDS.has(field) ||
    (/^(class_)?bounds\./.test(path ?? '') && (field === 'min' || field === 'max'));
  let m = message.replace(/^Invalid request: /, '');

  const type = /^Invalid input: expected (\w+), received (\w+)$/.exec(m);
  if (type) {
    const want = TYPE_WORD[type[1] ?? ''] ?? (type[1] as string);
    const got = type[2] ?? '';
    if (got === 'undefined') return `required: give ${want}`;
    if (type[1] === 'int' && got === 'number') return 'must be a whole number';
    return `must be ${want}, not ${TYPE_WORD[got] ?? got}`;
  }
  const size =
    /^Too (big|small): expected (\w+) to (be|have) (>=|<=|>|<)(-?[\d.e+-]+)(?: (\w+))?$/.exec(m);
  if (size) {
    const [, , what, verb, op = '', n = '', unit] = size;
    if (verb === 'have') {
      const noun = unit ?? (what === 'string' ? 'characters' : 'items');
      const nounText = Number(n) === 1 ? noun.replace(/s$/, '') : noun;
      return what === 'string'
        ? `must have ${COMPARE[op] ?? op} ${groupDigits(n)} ${nounText}`
        : `needs ${COMPARE[op] ?? op} ${groupDigits(n)} ${nounText}`;
    }
    return `must be ${bound(op, n, fraction)}`;
  }
  const opt = /^Invalid option: expected one of (.+)$/.exec(m);
  if (opt) {
    const options = (opt[1] ?? '').split('|').map((o) => o.replace(/^"|"$/g, ''));
    return `must be one of: ${options.join(', ')}`;
  }
  const key = /^Unrecognized keys?: (.+)$/.exec(m);
  if (key) {
    const names = key[1] ?? '';
    return `${names} ${names.includes(',') ? 'are not known names' : 'is not a known name'} here (check the spelling)`;
  }
  if (/^Invalid string: must match pattern/.test(m)) return 'has the wrong format';
  if (/^Invalid string: must (start|end) with/.test(m)) return 'has the wrong format';
  if (m === 'Invalid input') return 'is not valid here';
  if (m === 'Invalid key in record') return 'has a name that is not allowed here';
  if (m === 'Invalid element') return 'has an element that is not valid';
  if (m === 'min must be <= max') return 'the minimum must not be above the maximum';
  m = m.replace(/^Invalid input: /, '');
  return wordsOutsideQuotes(m, (part) =>
    part
      // Comparison signs in the contract's own messages ("must be > 0", "paths × horizon_days
      // must be <= 25000000", "last_price (> 0)") become words.
      .replace(
        /\b(must be|be) (>=|<=|>|<) ?(-?\d[\d.]*(?:e[+-]?\d+)?)/g,
        (_all, verb: string, op: string, n: string) => `${verb} ${bound(op, n, fraction)}`,
      )
      .replace(
        /\((>=|<=|>|<) ?(-?\d[\d.]*)\)/g,
        (_all, op: string, n: string) => `(${COMPARE[op] ?? op} ${groupDigits(n)})`,
      )
      // Field names in the message read as on screen: "price_history.dates" → "price history ›
      // dates", "portfolio_value" → "portfolio value".
      .replace(/\b[a-z]+_[a-z_]*[a-z](?:\.[a-z_]+)*\b/g, (name) =>
        name.includes('.') ? plainPath(name) : label(name),
      ),
  );
}

/** Applies `f` to the text outside double-quoted names ("AAPL", “my_fund”), which stay verbatim. */
function wordsOutsideQuotes(s: string, f: (part: string) => string): string {
  return s
    .split(/("[^"]*"|“[^”]*”)/)
    .map((part, i) => (i % 2 === 1 ? part : f(part)))
    .join('');
}

/** One detail as a line: "asset #4 “AAPL” › target weight: must be a number, not text". */
export function plainDetail(d: ErrorDetail, req?: Named): string {
  return `${plainPath(d.path, req)}: ${plainMessage(d.message, d.path)}`;
}

/**
 * Title, message and lines for an error box. A BAD_REQUEST lists its problems as lines, so its
 * message (which repeats the first five in validator words) is replaced by a count.
 */
export function plainError(
  e: RpcError,
  req?: Named,
): { title: string; message: string; lines: string[] } {
  const details = e.details ?? [];
  const counted = e.code === 'BAD_REQUEST' && details.length > 0;
  return {
    title: CODE_TITLE[e.code] ?? e.code,
    message: counted
      ? `${details.length} problem${details.length === 1 ? '' : 's'} to fix:`
      : plainMessage(e.message),
    lines: details.map((d) => plainDetail(d, req)),
  };
}

/**
 * A JSON.parse error in plain words, without the position (the editor shows line and column):
 * "Expected ',' or '}' after property value in JSON at position 6 (line 1 column 7)" →
 * "a comma or a closing } is missing after a value".
 */
export function plainJsonError(message: string): string {
  const m = message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/, ".*" is not valid JSON$/s, '');
  const rules: [RegExp, string | ((x: RegExpExecArray) => string)][] = [
    [/^Unexpected end of JSON input/, 'the text ends too early: a closing } or ] is missing'],
    [
      /^Expected double-quoted property name/,
      'a field name in double quotes is expected here (a comma too many, or a name without quotes?)',
    ],
    [/^Expected property name or '}'/, 'a field name must be in double quotes'],
    [
      /^Expected ',' or '}' after property value/,
      'a comma or a closing } is missing after a value',
    ],
    [/^Expected ',' or '\]' after array element/, 'a comma or a closing ] is missing in a list'],
    [/^Expected ':' after property name/, 'a colon is missing after a field name'],
    [
      /^Unexpected non-whitespace character after JSON/,
      'there is more text after the request ends',
    ],
    [
      /^Bad control character in string literal/,
      'a text value holds a line break or a tab: write it as \\n or \\t',
    ],
    [/^Bad escaped character/, 'a text value holds a backslash that is not a valid escape'],
    [/^Unterminated string/, 'a text value is missing its closing double quote'],
    [/^Unexpected token '(.+?)'/, (x) => `unexpected “${x[1] ?? ''}” here`],
  ];
  for (const [re, out] of rules) {
    const x = re.exec(m);
    if (x) return typeof out === 'string' ? out : out(x);
  }
  return m;
}
