// Errors that mean a dependency (Postgres or Redis) cannot be reached right now — a restart, a
// failover, a network blip — as opposed to a bug. The API answers them with 503 and Retry-After;
// workers holding a consumer's or producer's answer retry them.

/** SQLSTATEs of a server that is shutting down, starting up, unreachable or out of connections. */
const PG_UNAVAILABLE = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (the database system is starting up)
  '57014', // query_canceled (our statement_timeout)
  '25006', // read_only_sql_transaction: the server became a standby (a failover)
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006', // connection exceptions
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// "already released": TypeORM's query runner after its connection died mid-transaction (the
// transaction did not commit: the server rolls it back when its connection goes).
const MESSAGES =
  /Connection terminated|connection provided by a query runner was already released|Query runner already released|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection is closed|the database system is (starting up|shutting down|in recovery mode)|Stream isn't writeable|max retries per request|MaxRetriesPerRequest|Driver not Connected/i;

export function isUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current: unknown = error; current && typeof current === 'object' && !seen.has(current);) {
    seen.add(current);
    const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string' && (PG_UNAVAILABLE.has(code) || NETWORK_CODES.has(code))) return true;
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    const next = current as { driverError?: unknown; cause?: unknown; errors?: unknown[] };
    current = next.driverError ?? next.cause ?? (Array.isArray(next.errors) ? next.errors[0] : undefined);
  }
  return false;
}

/** Stop retrying a record this long before its lease ends (the lease runs on Postgres's clock). */
const LEASE_SAFETY_MS = 5000;

/**
 * When to stop keeping an answer whose attempt started at `startedAt` (ms) under a lease of
 * `timeoutMs` plus `marginSeconds`: a little before the lease ends, so it is never recorded for
 * an attempt the reconciler has already taken back.
 */
export const leaseDeadline = (startedAt: number, timeoutMs: number, marginSeconds: number): number =>
  startedAt + timeoutMs + marginSeconds * 1000 - LEASE_SAFETY_MS;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, retrying (100 ms, doubling to 2 s) only while the failure is
 * an outage and `deadline` has not passed; any other error, or the deadline, is thrown.
 */
export async function retryWhileUnavailable<T>(
  attempt: () => Promise<T>,
  deadline: number,
  onRetry: (error: unknown) => void = () => undefined,
): Promise<T> {
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isUnavailable(error) || Date.now() + delay >= deadline) throw error;
      onRetry(error);
      await sleep(delay);
    }
  }
}
