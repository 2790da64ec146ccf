/**
 * Values loaded on first use and kept for `ttlMs`, or until deleted. A load that was under way
 * when its key was deleted is not kept, so a deletion is never undone by an older read.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > Date.now()) return entry.value;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation && this.ttlMs > 0) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
    }
    return value;
  }

  delete(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }
}
