// Group commit: concurrent requests share one database transaction (multi-row statements, one
// COMMIT, one WAL flush) instead of paying for one each, and each still gets its own answer.
import { isUnavailable } from './errors/unavailable';

/** One request's result within a batch: its value, or the error that fails it alone. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export const succeeded = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failed = (error: unknown): Outcome<never> => ({ ok: false, error });

export interface GroupCommitOptions {
  /** The most requests one batch writes. */
  maxBatch: number;
  /** The most weight (e.g. messages) one batch carries; a heavier request goes alone. */
  maxWeight?: number;
  /** Batches written at once; requests arriving while all are busy wait for the next batch. */
  maxInFlight: number;
  /** Told the size of every batch written (a metric). */
  onBatch?: (size: number) => void;
}

interface Entry<In, Out> {
  item: In;
  resolve: (value: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects requests into batches and writes each batch with `write`, which returns one outcome
 * per request, in order, only once the batch is durable. The window adapts to load: a request
 * goes out on the next turn of the event loop while a writer is free (a lone request waits well
 * under a millisecond), and while all `maxInFlight` writers are busy, requests gather for the
 * next free one, so batches grow with load.
 *
 * A batch that fails as a whole for a reason other than an outage (a constraint one request
 * broke, a deadlock) is written again one request at a time, so that request fails alone; an
 * outage (Postgres unreachable) fails every request in the batch, none of which was
 * acknowledged.
 */
export class GroupCommit<In, Out> {
  private waiting: Entry<In, Out>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly write: (items: In[]) => Promise<Outcome<Out>[]>,
    private readonly options: GroupCommitOptions,
    private readonly weigh: (item: In) => number = () => 1,
  ) {}

  add(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.waiting.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.waiting.splice(0, this.batchLength());
      this.inFlight++;
      void this.writeBatch(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  /** How many waiting requests the next batch takes: at least one, within both limits. */
  private batchLength(): number {
    const maxWeight = this.options.maxWeight ?? Infinity;
    let weight = 0;
    let length = 0;
    for (const entry of this.waiting) {
      weight += this.weigh(entry.item);
      if (length > 0 && (length >= this.options.maxBatch || weight > maxWeight)) break;
      length++;
    }
    return length;
  }

  private async writeBatch(batch: Entry<In, Out>[]): Promise<void> {
    let outcomes: Outcome<Out>[];
    this.options.onBatch?.(batch.length);
    try {
      outcomes = await this.write(batch.map((entry) => entry.item));
    } catch (error) {
      if (batch.length > 1 && !isUnavailable(error)) {
        for (const entry of batch) await this.writeBatch([entry]);
        return;
      }
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }
}

/** What the request paths use: one batch of up to 256 requests and 1,000 messages written at a time. */
export const REQUEST_GROUP_COMMIT: GroupCommitOptions = { maxBatch: 256, maxWeight: 1000, maxInFlight: 1 };
