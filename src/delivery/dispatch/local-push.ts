// Hand-over without Redis: a commit on an instance that also pushes runs its push job right there,
// so a message goes from the commit to its consumer without a queue round trip (no job written,
// fetched, and finished in Redis). The job is the same as a queued one — the claim fences it —
// and Postgres still holds every delivery: if this process dies, the reconciler hands what it
// had not claimed back to the queue. Jobs beyond `limit` running here go to the queue, so a slow
// consumer builds its backlog in Redis and Postgres, not in this process's memory.
import type { DeliverJobData } from './push-job';

export type PushRunner = (job: DeliverJobData) => Promise<void>;

export class LocalPush {
  private runner?: PushRunner;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly limit: number) {}

  /** Called by the push worker of this instance once it runs; until then every job is queued. */
  attach(runner: PushRunner): void {
    this.runner = runner;
  }

  /** Stops taking jobs and waits for the ones running (graceful shutdown). */
  async detach(): Promise<void> {
    this.runner = undefined;
    await Promise.allSettled([...this.running]);
  }

  /**
   * Runs `job` here when a runner is attached and fewer than `limit` jobs run; false when the
   * caller should queue it. A job that fails (Postgres unreachable for its claim) goes to
   * `onFailure`, which queues it: the queue retries with backoff.
   */
  tryRun(job: DeliverJobData, onFailure: (job: DeliverJobData, error: unknown) => void): boolean {
    const runner = this.runner;
    if (!runner || this.running.size >= this.limit) return false;
    const run: Promise<void> = runner(job)
      .catch((error: unknown) => onFailure(job, error))
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return true;
  }

  /** Jobs running in this process. */
  get size(): number {
    return this.running.size;
  }
}
