/**
 * Counts requests that arrive for a key while an earlier request for the same key is still being
 * answered: a fake consumer or producer holds each key for a while, and `overlaps` must stay 0
 * where the service promises one at a time.
 */
export function overlapCounter() {
  const inflight = new Map<string, number>();
  let overlaps = 0;
  return {
    get overlaps(): number {
      return overlaps;
    },
    /** Holds `key` for `holdMs`, counting an overlap when it was already held. */
    async hold(key: string, holdMs: number): Promise<void> {
      const held = (inflight.get(key) ?? 0) + 1;
      inflight.set(key, held);
      if (held > 1) overlaps++;
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      inflight.set(key, (inflight.get(key) ?? 1) - 1);
    },
  };
}
