import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { newOwnerId } from '../../common/ids';
import { queryRows } from './sql';

/**
 * pg-boss style: every instance may ask, but a periodic task runs on the one whose UPDATE finds
 * its last run at least `intervalMs` ago; the others skip this round.
 */
export async function claimPeriodicRun(
  db: DataSource,
  name: string,
  intervalMs: number,
  owner: string,
): Promise<boolean> {
  const rows = await queryRows(
    db,
    `INSERT INTO periodic_tasks (name, last_run_at, last_owner) VALUES ($1, now(), $2)
     ON CONFLICT (name) DO UPDATE SET last_run_at = now(), last_owner = $2
       WHERE periodic_tasks.last_run_at <= now() - make_interval(secs => $3 / 1000.0)
     RETURNING name`,
    [name, owner, intervalMs * 0.9],
  );
  return rows.length > 0;
}

/**
 * Runs `run` every `intervalMs` on one instance at a time (see claimPeriodicRun), never two
 * rounds at once here; a failed round is logged and the next one tries again.
 */
export class PeriodicTask {
  private readonly logger: Logger;
  private readonly owner = newOwnerId();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly run: () => Promise<void>,
  ) {
    this.logger = new Logger(name);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  /** Stops scheduling and waits for a round in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    try {
      if (await claimPeriodicRun(this.dataSource, this.name, this.intervalMs, this.owner)) await this.run();
    } catch (error) {
      this.logger.warn({ msg: `${this.name} round failed; retrying next round`, error: String(error) });
    }
  }
}

/**
 * A Nest provider that runs `run` as a PeriodicTask named `name` on instances where `enabled`
 * (their role), and waits for a round in progress on shutdown. Subclasses are `<Name>Job`s.
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  protected constructor(
    dataSource: DataSource,
    private readonly enabled: boolean,
    name: string,
    intervalMs: number,
  ) {
    this.task = new PeriodicTask(dataSource, name, intervalMs, () => this.run());
  }

  /** One round; runs on one instance at a time. */
  abstract run(): Promise<void>;

  onApplicationBootstrap(): void {
    if (this.enabled) this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
