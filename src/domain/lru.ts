/**
 * A map that keeps its `capacity` most recently used entries (Map keeps insertion order; a hit is
 * moved to the end, the first entry is the least recently used).
 * Example: `const m = new Lru<string, number>(2); m.set('a', 1); m.set('b', 2); m.get('a');
 * m.set('c', 3)` → 'b' is evicted, `m.get('a')` → 1.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`an LRU needs a capacity ≥ 1, not ${capacity}`);
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}
