// Follows the writable primary among the hosts of a multi-host DATABASE_URL (SPEC §2), as libpq's
// `target_session_attrs` does, for pg's pool: every new connection goes to the host last found
// suitable, is checked on connect, and a host that fails is looked for again among all of them.
// Of several writable hosts the one on the newest timeline wins, and a host on an older timeline
// than one already seen is never used again: a demoted primary that comes back as it was (before
// Patroni rewinds it) is still writable, but it is history, and writing there would be lost.
// A connection whose server stops taking writes (read-only, shutting down) is dropped, never
// reused; the request it served fails as any outage does (503 with Retry-After).
import { Client, type ClientConfig } from 'pg';
import type { PostgresHost, PostgresUrl } from '../../config/postgres-url';

interface ServerRole {
  inRecovery: boolean;
  readOnly: boolean;
  /** The primary's current timeline (null on a standby). */
  timeline: number | null;
}

const ROLE_SQL = `SELECT pg_is_in_recovery() AS in_recovery, current_setting('transaction_read_only') = 'on' AS read_only,
       CASE WHEN NOT pg_is_in_recovery()
            THEN ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS timeline`;

/** Server errors after which a connection must not be used again, and its host looked for anew. */
const LEFT_PRIMARY = new Set([
  '25006', // read_only_sql_transaction: the server takes no writes (now a standby)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

export class NotWritableError extends Error {
  // A connection exception: the API answers 503 with Retry-After, workers retry.
  readonly code = '08006';
}

const key = (host: PostgresHost) => `${host.host}:${host.port}`;

export class PrimaryLocator {
  private current?: PostgresHost;
  private probing?: Promise<PostgresHost>;
  private newestTimeline = 0;

  constructor(
    readonly url: PostgresUrl,
    private readonly connectTimeoutMs: number,
  ) {}

  /** The host a new connection should use: the last one found suitable, or a fresh search. */
  target(): Promise<PostgresHost> {
    if (this.current) return Promise.resolve(this.current);
    this.probing ??= this.search().finally(() => (this.probing = undefined));
    return this.probing;
  }

  /** `host` failed a connection or a check: search all hosts again next time. */
  forget(host: PostgresHost): void {
    if (this.current && key(this.current) === key(host)) this.current = undefined;
  }

  /** Whether a server in `role` may serve new connections, given what has been seen before. */
  accepts(role: ServerRole): boolean {
    switch (this.url.targetSessionAttrs) {
      case 'any':
        return true;
      case 'read-write':
        if (role.readOnly) return false;
        break;
      case 'primary':
        if (role.inRecovery) return false;
        break;
    }
    return role.timeline === null || role.timeline >= this.newestTimeline;
  }

  /** Checks the server a new connection reached, and remembers its timeline. */
  async check(client: Client, host: PostgresHost): Promise<void> {
    if (this.url.targetSessionAttrs === 'any') return;
    const role = toRole((await client.query(ROLE_SQL)).rows[0]);
    if (!this.accepts(role)) {
      this.forget(host);
      throw new NotWritableError(
        `Postgres at ${key(host)} is not ${this.url.targetSessionAttrs} (connection dropped)`,
      );
    }
    this.newestTimeline = Math.max(this.newestTimeline, role.timeline ?? 0);
  }

  /** Asks every host at once; the first suitable in list order, the newest timeline first. */
  private async search(): Promise<PostgresHost> {
    const roles = await Promise.all(this.url.hosts.map((host) => this.roleOf(host)));
    const suitable = this.url.hosts
      .map((host, i) => ({ host, role: roles[i] }))
      .filter((c): c is { host: PostgresHost; role: ServerRole } => c.role !== null && this.accepts(c.role))
      .sort((a, b) => (b.role.timeline ?? 0) - (a.role.timeline ?? 0));
    const [best] = suitable;
    if (!best) {
      throw new NotWritableError(
        `no ${this.url.targetSessionAttrs} Postgres among ${this.url.hosts.map(key).join(', ')}`,
      );
    }
    this.newestTimeline = Math.max(this.newestTimeline, best.role.timeline ?? 0);
    this.current = best.host;
    return best.host;
  }

  private async roleOf(host: PostgresHost): Promise<ServerRole | null> {
    const client = new Client({
      connectionString: this.url.urlFor(host),
      connectionTimeoutMillis: this.connectTimeoutMs,
    });
    client.on('error', () => undefined); // a server going away while asked: not suitable
    try {
      await client.connect();
      return toRole((await client.query(ROLE_SQL)).rows[0]);
    } catch {
      return null;
    } finally {
      void client.end().catch(() => undefined);
    }
  }
}

function toRole(row: { in_recovery: boolean; read_only: boolean; timeline: number | null }): ServerRole {
  return { inRecovery: row.in_recovery, readOnly: row.read_only, timeline: row.timeline };
}

/** What the pool passes to `MultiHostClient`: pg's config plus the locator. */
export interface MultiHostClientConfig extends ClientConfig {
  primaryLocator: PrimaryLocator;
}

/**
 * pg's Client, for the pool (`Client` option): connects to the locator's host, checks it, and
 * gives itself up on an error that says its server left the primary's role.
 */
export class MultiHostClient extends Client {
  private readonly locator: PrimaryLocator;
  private target?: PostgresHost;

  constructor(config: MultiHostClientConfig) {
    // The connection string names the first host; `connectToTarget` points it at the target.
    const { primaryLocator, ...rest } = config;
    super(rest);
    this.locator = primaryLocator;
    const connection = (this as unknown as { connection: NodeJS.EventEmitter }).connection;
    connection.on('errorMessage', (message: { code?: string }) => {
      if (!message.code || !LEFT_PRIMARY.has(message.code)) return;
      if (this.target) this.locator.forget(this.target);
      // pg's pool destroys a client that is not queryable when it is released.
      (this as unknown as { _queryable: boolean })._queryable = false;
    });
  }

  // pg's pool connects with a callback; everything else here awaits the promise.
  override connect(): Promise<Client>;
  override connect(callback: (err: Error | null, c?: Client) => void): void;
  override connect(callback?: (err: Error | null, c?: Client) => void): Promise<Client> | void {
    const connected = this.connectToTarget().then(() => this as Client);
    if (!callback) return connected;
    connected.then(
      (client) => callback(null, client),
      (error: Error) => callback(error),
    );
  }

  private async connectToTarget(): Promise<void> {
    const target = await this.locator.target();
    this.target = target;
    const self = this as unknown as { host: string; port: number; connectionParameters: PostgresHost };
    self.host = self.connectionParameters.host = target.host;
    self.port = self.connectionParameters.port = target.port;
    try {
      await super.connect();
      await this.locator.check(this, target);
    } catch (error) {
      this.locator.forget(target);
      void this.end().catch(() => undefined);
      throw error;
    }
  }
}
