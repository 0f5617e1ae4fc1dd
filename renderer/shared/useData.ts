/**
 * The renderer's one data hook: loads a Result from the engine and ignores answers that arrive
 * after the inputs changed (the "stale response" guard every view needs: a slow answer for the
 * previous filter must never overwrite the answer for the current one).
 */
import { useCallback, useEffect, useState, type DependencyList } from 'react';
import type { Result, RpcError } from '../../src/contract/common';

export type DataState<T> =
  | { state: 'loading'; value: T | null; error: null; seq: number }
  | { state: 'ready'; value: T; error: null; seq: number }
  | { state: 'error'; value: T | null; error: RpcError; seq: number };

export interface Data<T> {
  /** loading | ready | error; `value` keeps the previous answer while a new one loads. */
  data: DataState<T>;
  /** Loads again with the same inputs (after a change made elsewhere). */
  reload: () => void;
}

/**
 * Example: `const { data, reload } = useData(() => call('listRuns', { kind }), [kind]);`
 * `data.seq` counts finished loads (tests wait on it, never on time).
 * `load` returning null skips the call (nothing to load yet).
 */
export function useData<T>(load: () => Promise<Result<T>> | null, deps: DependencyList): Data<T> {
  const [data, setData] = useState<DataState<T>>({
    state: 'loading',
    value: null,
    error: null,
    seq: 0,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    const p = load();
    if (p === null) return;
    setData((d) => ({ state: 'loading', value: d.value, error: null, seq: d.seq }));
    void p.then((r) => {
      if (!live) return;
      setData((d) =>
        r.ok
          ? { state: 'ready', value: r.value, error: null, seq: d.seq + 1 }
          : { state: 'error', value: d.value, error: r.error, seq: d.seq + 1 },
      );
    });
    return () => {
      live = false;
    };
    // `load` is a fresh closure each render; its inputs are `deps` (the caller's contract).
  }, [...deps, tick]);
  return { data, reload };
}
