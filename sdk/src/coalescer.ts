// Coalesces concurrent calls of one kind into one request, the way Kafka producers batch: while a
// request of that kind is in flight, new calls gather and go together when it returns. A lone
// call goes at once (after `lingerMs`, 0 by default), so coalescing costs a quiet producer nothing.
import { backoffMs, type RetryOptions } from './retry';

export interface CoalesceOptions {
  /** How long a call waits for company before its request goes (default 0: none). */
  lingerMs?: number;
  /** The most calls one request carries (default 256, the batch endpoints' limit). */
  maxBatch?: number;
}

/** One call's outcome in a batch: its value, its own error, or "retry me" (the entry was 503). */
export type Settled<Out> = { ok: true; value: Out } | { ok: false; error: unknown; retry?: boolean };

interface Waiting<In, Out> {
  item: In;
  retries: number;
  resolve: (value: Out) => void;
  reject: (error: unknown) => void;
}

export class Coalescer<In, Out> {
  private waiting: Waiting<In, Out>[] = [];
  private inFlight = false;
  private timer?: NodeJS.Timeout | true;

  constructor(
    /** Sends the calls as one request; one outcome per call, in order. */
    private readonly send: (items: In[]) => Promise<Settled<Out>[]>,
    private readonly options: CoalesceOptions = {},
    private readonly retry: RetryOptions = {},
  ) {}

  add(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, retries: 0, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight || this.timer || this.waiting.length === 0) return;
    const linger = this.options.lingerMs ?? 0;
    // Calls made in the same turn of the event loop go together even without a linger.
    this.timer = linger > 0 ? setTimeout(() => this.flush(), linger) : true;
    if (linger <= 0) setImmediate(() => this.flush());
  }

  private flush(): void {
    this.timer = undefined;
    const batch = this.waiting.splice(0, this.options.maxBatch ?? 256);
    if (batch.length === 0) return;
    this.inFlight = true;
    void this.write(batch).finally(() => {
      this.inFlight = false;
      this.schedule();
    });
  }

  private async write(batch: Waiting<In, Out>[]): Promise<void> {
    let outcomes: Settled<Out>[];
    try {
      outcomes = await this.send(batch.map((w) => w.item));
    } catch (error) {
      batch.forEach((w) => w.reject(error));
      return;
    }
    batch.forEach((waiting, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) waiting.resolve(outcome.value);
      else if (outcome.retry && waiting.retries < (this.retry.retries ?? 5)) {
        // txmsg could not write this entry (an outage): it goes again after a backoff, with
        // whatever gathers by then; its Idempotency-Key makes the repeat safe.
        setTimeout(
          () => {
            this.waiting.push(waiting);
            this.schedule();
          },
          backoffMs(waiting.retries++, { baseDelayMs: 200, ...this.retry }),
        );
      } else waiting.reject(outcome.error);
    });
  }
}
