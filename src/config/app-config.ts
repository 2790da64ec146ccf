// Typed, validated service configuration read once from the environment (SPEC §2).
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ArrayNotEmpty,
  ValidateBy,
  type ValidateByOptions,
} from 'class-validator';
import { resolve } from 'node:path';
import { DEFAULT_OUTBOUND_DENY, isIpRange } from '../common/http/outbound-policy';
import { parsePostgresUrl } from './postgres-url';
import { parseRedisUrl, parseSentinels, type RedisSentinelConfig } from './redis-address';

export const SERVICE_ROLES = ['api', 'checkback', 'dispatch', 'push', 'maintenance'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
    : value;

/** A validator that runs `parse` and reports its error as `<name> is not valid: <reason>`. */
const validUrl = (name: string, parse: (value: string) => unknown): ValidateByOptions => ({
  name: 'validUrl',
  validator: {
    validate: (value: unknown) => {
      try {
        parse(String(value));
        return true;
      } catch {
        return false;
      }
    },
    defaultMessage: (args?: { value: unknown }) => {
      try {
        parse(String(args?.value));
        return `${name} is not valid`;
      } catch (error) {
        return `${name} is not valid: ${(error as Error).message}`;
      }
    },
  },
});

/** Raw environment shape; field names are the env var names. */
class Environment {
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT = 3000;
  @IsOptional() @IsString() HOST = '0.0.0.0';
  /** libpq's form, one host or several (`h1:5432,h2:5432`), with `target_session_attrs`. */
  @IsOptional() @ValidateBy(validUrl('DATABASE_URL', parsePostgresUrl)) DATABASE_URL?: string;
  @IsOptional() @ValidateBy(validUrl('REDIS_URL', parseRedisUrl)) REDIS_URL?: string;
  /** Sentinels (`host:port,…`) that name the Redis master, instead of REDIS_URL. */
  @IsOptional() @ValidateBy(validUrl('REDIS_SENTINELS', parseSentinels)) REDIS_SENTINELS?: string;
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,128}$/, { message: 'REDIS_SENTINEL_NAME must name the master set' })
  REDIS_SENTINEL_NAME?: string;
  @IsOptional() @IsString() REDIS_SENTINEL_PASSWORD?: string;
  /** The password of the master and replicas behind Sentinel (with REDIS_URL it is in the URL). */
  @IsOptional() @IsString() REDIS_PASSWORD?: string;
  @IsOptional() @IsString() TXMSG_DATA_DIR = '.txmsg';
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'TXMSG_ADMIN_TOKEN must be at least 16 characters' })
  TXMSG_ADMIN_TOKEN?: string;
  @IsOptional()
  @Transform(toList)
  @ArrayNotEmpty({ message: 'TXMSG_ROLES must name at least one role' })
  @IsIn(SERVICE_ROLES, {
    each: true,
    message: `TXMSG_ROLES entries must be among: ${SERVICE_ROLES.join(', ')}`,
  })
  TXMSG_ROLES: ServiceRole[] = [...SERVICE_ROLES];
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(64 * 1024 * 1024) TXMSG_MAX_BODY_BYTES =
    1024 * 1024;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(24 * 365 * 10) TXMSG_RETENTION_HOURS = 72;
  /** Overrides TXMSG_RETENTION_HOURS: minutes, for tests and benchmarks that watch retention work. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(60 * 24 * 365 * 10) TXMSG_RETENTION_MINUTES?: number;
  /** Width of a storage window (docs/operations.md, "Storage and retention"): retention drops whole windows. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(60 * 24 * 31) TXMSG_PARTITION_MINUTES = 360;
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'TXMSG_REDIS_PREFIX must match [A-Za-z0-9_.-]{1,64}' })
  TXMSG_REDIS_PREFIX = 'txmsg';
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(500) TXMSG_DB_POOL_SIZE = 20;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000) TXMSG_DB_CONNECT_TIMEOUT_MS = 3000;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(600_000) TXMSG_DB_QUERY_TIMEOUT_MS = 15_000;
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(60_000) TXMSG_CHECKBACK_POLL_MS = 1000;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) TXMSG_CHECKBACK_CONCURRENCY = 64;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) TXMSG_CHECKBACK_GROUP_CONCURRENCY = 8;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_000) TXMSG_PUSH_CONCURRENCY = 64;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(600_000) TXMSG_RECONCILE_INTERVAL_MS = 5000;
  /** At least 10 s: an answer is kept and its record retried until 5 s before the lease ends. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(3600) TXMSG_PUSH_LEASE_MARGIN_SECONDS = 30;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(86_400_000) TXMSG_RETENTION_INTERVAL_MS = 60_000;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(600_000) TXMSG_CONFIG_CACHE_TTL_MS = 5000;
  /** Comma list of addresses or CIDR ranges outbound requests may not reach; `none` for none. */
  @IsOptional()
  @Transform(toList)
  @ValidateBy(
    {
      name: 'isIpRange',
      validator: {
        validate: (entry: unknown) => entry === 'none' || (typeof entry === 'string' && isIpRange(entry)),
        defaultMessage: () => 'TXMSG_OUTBOUND_DENY entries must be IP addresses or CIDR ranges (or none)',
      },
    },
    { each: true },
  )
  TXMSG_OUTBOUND_DENY: string[] = [...DEFAULT_OUTBOUND_DENY];
  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';
  /** `json` lines, or `pretty` for people; unset: pretty on a terminal, JSON otherwise. */
  @IsOptional() @IsIn(LOG_FORMATS) LOG_FORMAT?: (typeof LOG_FORMATS)[number];
}

const ENV_NAMES = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_SENTINEL_PASSWORD',
  'REDIS_PASSWORD',
  'TXMSG_DATA_DIR',
  'TXMSG_ADMIN_TOKEN',
  'TXMSG_ROLES',
  'TXMSG_MAX_BODY_BYTES',
  'TXMSG_RETENTION_HOURS',
  'TXMSG_RETENTION_MINUTES',
  'TXMSG_PARTITION_MINUTES',
  'TXMSG_REDIS_PREFIX',
  'TXMSG_DB_POOL_SIZE',
  'TXMSG_DB_CONNECT_TIMEOUT_MS',
  'TXMSG_DB_QUERY_TIMEOUT_MS',
  'TXMSG_CHECKBACK_POLL_MS',
  'TXMSG_CHECKBACK_CONCURRENCY',
  'TXMSG_CHECKBACK_GROUP_CONCURRENCY',
  'TXMSG_PUSH_CONCURRENCY',
  'TXMSG_RECONCILE_INTERVAL_MS',
  'TXMSG_PUSH_LEASE_MARGIN_SECONDS',
  'TXMSG_RETENTION_INTERVAL_MS',
  'TXMSG_CONFIG_CACHE_TTL_MS',
  'TXMSG_OUTBOUND_DENY',
  'LOG_LEVEL',
  'LOG_FORMAT',
] as const satisfies readonly (keyof Environment)[];

export interface DatabaseTimeouts {
  /** Waiting for a pooled connection, or for a new one to open. */
  connectMs: number;
  /** One statement, on the server (statement_timeout) and on the client (query_timeout); 0 = none. */
  queryMs: number;
}

export class ConfigError extends Error {}

export class AppConfig {
  readonly port: number;
  readonly host: string;
  /** Set when Postgres is external; undefined means "start the embedded one". */
  readonly databaseUrl?: string;
  /** Set when Redis is external; undefined (and no sentinels) means "start a local redis-server". */
  readonly redisUrl?: string;
  /** Set when Redis is found through Sentinel (REDIS_SENTINELS and REDIS_SENTINEL_NAME). */
  readonly redisSentinel?: RedisSentinelConfig;
  readonly dataDir: string;
  readonly adminToken?: string;
  readonly roles: ReadonlySet<ServiceRole>;
  readonly maxBodyBytes: number;
  /** How long resolved data is kept (TXMSG_RETENTION_MINUTES, or TXMSG_RETENTION_HOURS × 60). */
  readonly retentionMinutes: number;
  /** How often the retention job runs (on one `maintenance` instance at a time). */
  readonly retentionIntervalMs: number;
  /** Width of a storage window, in minutes (TXMSG_PARTITION_MINUTES). */
  readonly partitionMinutes: number;
  readonly redisPrefix: string;
  readonly dbPoolSize: number;
  /** Pool acquire and statement time-outs, so no request waits long on a sick database. */
  readonly dbTimeouts: DatabaseTimeouts;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly logFormat: (typeof LOG_FORMATS)[number];
  /** Addresses and ranges check-backs and pushes may not go to. */
  readonly outboundDeny: string[];
  /** Check-back: how often to look for due checks, and how many may be in flight (total, per group). */
  readonly checkback: { pollMs: number; concurrency: number; groupConcurrency: number };
  /**
   * Delivery: push jobs in flight per instance (a job is one batch of commits' messages for one group), and how often the reconciler hands overdue
   * deliveries back to the queue and expires leases, and how long a claimed push stays fenced
   * past its time-out (the wait before a crashed instance's pushes go out again).
   */
  readonly delivery: { pushConcurrency: number; reconcileIntervalMs: number; leaseMarginSeconds: number };
  /**
   * How long an instance may use a topic, producer group or consumer group it read before: a
   * change made on another instance reaches it at once through Redis, and within this time when
   * that notification is lost.
   */
  readonly configCacheTtlMs: number;

  constructor(env: Environment) {
    this.port = env.PORT;
    this.host = env.HOST;
    this.databaseUrl = env.DATABASE_URL || undefined;
    this.redisUrl = env.REDIS_URL || undefined;
    if (env.REDIS_SENTINELS && env.REDIS_SENTINEL_NAME) {
      this.redisSentinel = {
        sentinels: parseSentinels(env.REDIS_SENTINELS),
        name: env.REDIS_SENTINEL_NAME,
        sentinelPassword: env.REDIS_SENTINEL_PASSWORD || undefined,
        password: env.REDIS_PASSWORD || undefined,
      };
    }
    this.dataDir = resolve(env.TXMSG_DATA_DIR);
    this.adminToken = env.TXMSG_ADMIN_TOKEN || undefined;
    this.roles = new Set(env.TXMSG_ROLES);
    this.maxBodyBytes = env.TXMSG_MAX_BODY_BYTES;
    this.retentionMinutes = env.TXMSG_RETENTION_MINUTES ?? env.TXMSG_RETENTION_HOURS * 60;
    this.retentionIntervalMs = env.TXMSG_RETENTION_INTERVAL_MS;
    this.partitionMinutes = env.TXMSG_PARTITION_MINUTES;
    this.redisPrefix = env.TXMSG_REDIS_PREFIX;
    this.dbPoolSize = env.TXMSG_DB_POOL_SIZE;
    this.dbTimeouts = { connectMs: env.TXMSG_DB_CONNECT_TIMEOUT_MS, queryMs: env.TXMSG_DB_QUERY_TIMEOUT_MS };
    this.logLevel = env.LOG_LEVEL;
    this.logFormat = env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
    this.outboundDeny = env.TXMSG_OUTBOUND_DENY.filter((entry) => entry !== 'none');
    this.checkback = {
      pollMs: env.TXMSG_CHECKBACK_POLL_MS,
      concurrency: env.TXMSG_CHECKBACK_CONCURRENCY,
      groupConcurrency: env.TXMSG_CHECKBACK_GROUP_CONCURRENCY,
    };
    this.delivery = {
      pushConcurrency: env.TXMSG_PUSH_CONCURRENCY,
      reconcileIntervalMs: env.TXMSG_RECONCILE_INTERVAL_MS,
      leaseMarginSeconds: env.TXMSG_PUSH_LEASE_MARGIN_SECONDS,
    };
    this.configCacheTtlMs = env.TXMSG_CONFIG_CACHE_TTL_MS;
  }

  hasRole(role: ServiceRole): boolean {
    return this.roles.has(role);
  }

  /** Returns a copy with the URLs of locally started Postgres/Redis filled in. */
  withServices(urls: { databaseUrl: string; redisUrl: string; adminToken?: string }): AppConfig {
    return Object.assign(Object.create(AppConfig.prototype) as AppConfig, this, urls);
  }
}

/** Reads and validates the environment; throws ConfigError listing every problem. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = Object.fromEntries(
    ENV_NAMES.filter((name) => source[name] !== undefined && source[name] !== '').map((name) => [
      name,
      source[name],
    ]),
  );
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const problems = validateSync(env, { whitelist: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((text) => `${error.property}: ${text}`),
  );
  if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_NAME) {
    problems.push('REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS (the name of the master set)');
  }
  if (env.REDIS_SENTINELS && env.REDIS_URL) {
    problems.push('REDIS_SENTINELS: set either REDIS_URL or REDIS_SENTINELS, not both');
  }
  if (problems.length > 0) {
    // One line, so a supervisor's log shows the whole reason.
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return new AppConfig(env);
}
