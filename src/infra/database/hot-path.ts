// The hot path's own connections. The group-commit writers (prepare, verdict, send, pull ack)
// and the push claims and records run their named statements on these, where each statement is
// planned once per connection (`SESSION_SETTINGS`). Every other query keeps the main pool, where
// Postgres plans a parameterized query for its values. A share of the configured pool, never
// more than the writers can use at once.
import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { dataSourceOptions } from './data-source-options';

/** Connections of the hot-path pool for a configured total: half of it, 1 to 12. */
export const hotPathPoolSize = (total: number): number => Math.max(1, Math.min(12, Math.floor(total / 2)));

/** Connections of the main pool: the rest of the configured total, at least one. */
export const mainPoolSize = (total: number): number => Math.max(1, total - hotPathPoolSize(total));

@Injectable()
export class HotPath implements OnModuleInit, OnApplicationShutdown {
  readonly dataSource: DataSource;

  constructor(config: AppConfig) {
    this.dataSource = new DataSource(
      dataSourceOptions(config.databaseUrl as string, hotPathPoolSize(config.dbPoolSize), config.dbTimeouts, {
        planOnce: true,
      }),
    );
  }

  async onModuleInit(): Promise<void> {
    await this.dataSource.initialize();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
