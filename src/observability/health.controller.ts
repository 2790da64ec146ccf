import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { REDIS } from '../infra/redis/redis.module';
import { registry } from './metrics';

const PROBE_TIMEOUT_MS = 2000;

/** What works and what waits while Redis is down and Postgres is up. */
const REDIS_DOWN = {
  working: [
    'transactions (prepare, commit, rollback, check-back)',
    'sends',
    'pull receive and ack',
    'queries',
    'admin',
  ],
  waiting: [
    'push deliveries the committing instance cannot run itself (kept in Postgres; queued within seconds of Redis returning)',
  ],
  failing: [
    'dedupe claims (503)',
    'dedupe by key (messages are delivered rather than skipped)',
    'pull wake-ups across instances (receivers wake on their timers)',
  ],
};

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  /**
   * 200 when Postgres and Redis both answer, 503 naming the one that does not (SPEC §10). With
   * only Redis down the service is degraded, not down, and says what still works: Postgres is
   * the truth, so transactions, sends and pull go on; pushes wait in Postgres and claims fail.
   */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [postgres, redis] = await Promise.all([
      this.probe(() => this.dataSource.query('SELECT 1')),
      this.probe(() => this.redis.ping()),
    ]);
    const ok = postgres.status === 'up' && redis.status === 'up';
    reply.status(ok ? 200 : 503);
    if (postgres.status === 'up' && redis.status === 'down') {
      return { status: 'degraded', checks: { postgres, redis }, degraded: REDIS_DOWN };
    }
    return { status: ok ? 'ok' : 'unavailable', checks: { postgres, redis } };
  }

  @Get('metrics')
  @Header('content-type', registry.contentType)
  metrics() {
    return registry.metrics();
  }

  private async probe(check: () => Promise<unknown>): Promise<{ status: 'up' | 'down'; error?: string }> {
    try {
      await withTimeout(check(), PROBE_TIMEOUT_MS);
      return { status: 'up' };
    } catch (error) {
      return { status: 'down', error: error instanceof Error ? error.message : String(error) };
    }
  }
}
