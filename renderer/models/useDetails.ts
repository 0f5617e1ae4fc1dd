/**
 * Loads the detail of each record in a list (a model's targets, an account's positions), a few
 * at a time, keyed by id and version: a new version is loaded again, an unchanged one never.
 * The list operations return summaries only, so a list view asks for the rows it shows.
 */
import { useEffect, useState } from 'react';
import type { Result, RpcError } from '../../src/contract/common';

export type Detail<T> = { state: 'ready'; value: T } | { state: 'error'; error: RpcError };

/** Requests in flight at once. */
export const DETAIL_CONCURRENCY = 4;

/** Runs `fn` over `items`, at most `limit` at a time; resolves when all have finished. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export function detailKey(id: string, version: number): string {
  return `${id}@${version}`;
}

export function useDetails<T>(
  rows: readonly { id: string; version: number }[],
  load: (id: string, version: number) => Promise<Result<T>>,
): Map<string, Detail<T>> {
  const [got, setGot] = useState<Map<string, Detail<T>>>(() => new Map());
  const want = rows.map((r) => detailKey(r.id, r.version));
  const wantKey = want.join('|');
  useEffect(() => {
    let live = true;
    const missing = rows.filter((r) => !got.has(detailKey(r.id, r.version)));
    if (missing.length === 0) return;
    void eachLimited(missing, DETAIL_CONCURRENCY, async (r) => {
      const res = await load(r.id, r.version);
      if (!live) return;
      setGot((m) =>
        new Map(m).set(
          detailKey(r.id, r.version),
          res.ok ? { state: 'ready', value: res.value } : { state: 'error', error: res.error },
        ),
      );
    });
    return () => {
      live = false;
    };
    // Keyed by the ids and versions wanted; `got` is read, not a trigger.
  }, [wantKey]);
  return got;
}
