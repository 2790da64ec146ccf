import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { AfterCommitSubscriber } from './after-commit';
import { ENTITIES } from './entities';

/** One definition of how txmsg talks to Postgres, shared by the app, the CLI and the tests. */
export function dataSourceOptions(url: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    subscribers: [AfterCommitSubscriber],
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: { max: poolSize, connectionTimeoutMillis: 10_000, application_name: 'txmsg' },
  };
}
