/**
 * Counts what the fuzzer sent and got back, per route: requests, statuses, request kinds, time.
 * The suite prints nothing from it by default; `markdown()` is for a human-readable summary.
 */
export interface RouteTally {
  requests: number;
  statuses: Map<number, number>;
  kinds: Map<string, number>;
  ms: number;
}

const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);

/** Per-route counters keyed by "METHOD /path". */
export class Tally {
  readonly routes = new Map<string, RouteTally>();

  /** Records one answered request. */
  add(route: string, kind: string, status: number, ms: number): void {
    let t = this.routes.get(route);
    if (!t) {
      t = { requests: 0, statuses: new Map(), kinds: new Map(), ms: 0 };
      this.routes.set(route, t);
    }
    t.requests++;
    t.ms += ms;
    bump(t.statuses, status);
    bump(t.kinds, kind);
  }

  /** Requests sent to `route` so far. */
  count(route: string): number {
    return this.routes.get(route)?.requests ?? 0;
  }

  /** A markdown table: route, requests, statuses seen (status×count), seconds spent. */
  markdown(): string {
    const rows = [...this.routes].map(([route, t]) => {
      const statuses = [...t.statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}×${n}`)
        .join(' ');
      return `| \`${route}\` | ${t.requests} | ${statuses} | ${(t.ms / 1000).toFixed(1)} |`;
    });
    const total = [...this.routes.values()].reduce((s, t) => s + t.requests, 0);
    return [
      '| route | requests | statuses (status×count) | s |',
      '|---|---:|---|---:|',
      ...rows,
      `| **total** | ${total} | | |`,
    ].join('\n');
  }
}
