/** Counts holders against a limit that may change; waiters are served first come, first served. */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(public limit: number) {}

  get inUse(): number {
    return this.active;
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Hands the slot to the next waiter, unless the limit was lowered below what is in use. */
  release(): void {
    const next = this.active <= this.limit ? this.waiters.shift() : undefined;
    if (next) next();
    else this.active--;
    while (this.active < this.limit && this.waiters.length > 0) {
      this.active++;
      this.waiters.shift()?.();
    }
  }
}
