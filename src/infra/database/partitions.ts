// Time windows of the partitioned tables (docs/operations.md, "Storage and retention"): created ahead, dropped whole once
// everything in them is resolved and older than the retention, compacted when a few rows must
// outlive their window. Plain functions over a SQL callback, so a medium spec runs exactly this.

/** Runs one statement and returns its rows, column names as Postgres gives them. */
export type Sql = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
/** Runs `work` in one database transaction. */
export type InTransaction = <T>(work: (sql: Sql) => Promise<T>) => Promise<T>;

/** Each table with its partition key: the UUIDv7 of the message or transaction a row belongs to. */
export const PARTITIONED_TABLES = [
  { table: 'transactions', key: 'id' },
  { table: 'messages', key: 'id' },
  { table: 'deliveries', key: 'id' },
  { table: 'delivery_attempts', key: 'delivery_id' },
  { table: 'trace_events', key: 'message_id' },
  { table: 'check_attempts', key: 'transaction_id' },
] as const;

/** Serialises window changes across instances (boot and the periodic job). */
const WINDOWS_LOCK_KEY = 0x74787077; // "txpw"

/**
 * The longest any hot-path statement may queue behind a window drop or compaction: the job gives
 * up and tries next round rather than wait longer for its lock.
 */
export const LOCK_TIMEOUT_MS = 50;

/** A window: ids whose time is in [fromMs, toMs); the first one starts at 0 (MINVALUE). */
export interface Window {
  fromMs: number;
  toMs: number;
  /** Partition names are `<table>_<suffix>`. */
  suffix: string;
}

/** The smallest UUID whose first 48 bits are `ms`: a window bound. */
export function uuidAt(ms: number): string {
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** The millisecond time a UUIDv7 carries. */
export function msOf(uuid: string): number {
  return parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);
}

const BOUND = /FROM \((?:'([0-9a-f-]{36})'|MINVALUE)\) TO \('([0-9a-f-]{36})'\)/;

/** The windows that exist, oldest first (read from the messages table; all six share them). */
export async function listWindows(sql: Sql): Promise<Window[]> {
  const rows = await sql<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'messages'::regclass`,
  );
  return rows
    .map(({ name, bound }) => {
      const match = BOUND.exec(bound);
      if (!match) throw new Error(`unexpected bound of ${name}: ${bound}`);
      return {
        fromMs: match[1] ? msOf(match[1]) : 0,
        toMs: msOf(match[2]),
        suffix: name.slice('messages_'.length),
      };
    })
    .sort((a, b) => a.fromMs - b.fromMs);
}

export interface AheadOptions {
  widthMs: number;
  /** How far past now windows must exist. */
  aheadMs: number;
  nowMs?: number;
}

/**
 * Creates the windows from the newest one's end until `aheadMs` past now, each aligned to a
 * multiple of `widthMs`. A window is created as a plain table and then attached, which never
 * blocks reads or writes of the partitioned table. Returns the windows created.
 */
export async function createWindowsAhead(
  inTransaction: InTransaction,
  options: AheadOptions,
): Promise<Window[]> {
  const until = (options.nowMs ?? Date.now()) + options.aheadMs;
  return inTransaction(async (sql) => {
    await sql(`SELECT pg_advisory_xact_lock($1)`, [WINDOWS_LOCK_KEY]);
    const windows = await listWindows(sql);
    if (windows.length === 0) throw new Error('messages is not partitioned: run the migrations first');
    const created: Window[] = [];
    let fromMs = windows[windows.length - 1].toMs;
    while (fromMs < until) {
      const toMs = (Math.floor(fromMs / options.widthMs) + 1) * options.widthMs;
      const window = { fromMs, toMs, suffix: `p${fromMs}` };
      for (const { table } of PARTITIONED_TABLES) {
        const name = `${table}_${window.suffix}`;
        await sql(`CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        await sql(`ALTER TABLE ${table} ATTACH PARTITION ${name} ${boundsOf(window)}`);
      }
      created.push(window);
      fromMs = toMs;
    }
    return created;
  });
}

function boundsOf(window: Window): string {
  const from = window.fromMs === 0 ? 'MINVALUE' : `'${uuidAt(window.fromMs)}'`;
  return `FOR VALUES FROM (${from}) TO ('${uuidAt(window.toMs)}')`;
}

export interface ReclaimOptions {
  retentionMinutes: number;
  /** A window with more rows to keep than this is held whole until they resolve. */
  maxKeep?: number;
  nowMs?: number;
}

export type ReclaimAction = 'dropped' | 'compacted' | 'held' | 'busy' | 'failed';

export interface ReclaimResult {
  window: Window;
  action: ReclaimAction;
  /** Messages and transactions that had to outlive the window. */
  kept: number;
  /** Why it failed (the next round tries again). */
  error?: string;
  /** How long the six tables were locked, from the lock granted to the work done (before commit). */
  lockedMs?: number;
}

const DEFAULT_MAX_KEEP = 10_000;
/** Compacting copies the kept rows: worth it only when it frees many times more. */
const COMPACT_GAIN = 10;
const COMPACT_MIN_ROWS = 1_000;

/**
 * For every window that ended more than the retention ago: drops it when nothing in it must be
 * kept; compacts it (a fresh partition with only the rows to keep) when those are few and the
 * window is large; holds it otherwise. What must be kept is found through partial indexes, never
 * by scanning a window: open transactions and their messages, undelivered messages, dead letters
 * and publications younger than the retention, and the transactions of kept messages.
 */
export async function reclaimWindows(
  inTransaction: InTransaction,
  options: ReclaimOptions,
): Promise<ReclaimResult[]> {
  const nowMs = options.nowMs ?? Date.now();
  const cutoffMs = nowMs - options.retentionMinutes * 60_000;
  const maxKeep = options.maxKeep ?? DEFAULT_MAX_KEEP;
  const windows = await inTransaction((sql) => listWindows(sql));
  const results: ReclaimResult[] = [];
  // The newest window is never reclaimed: rows keep arriving there until its end.
  for (const window of windows.slice(0, -1).filter((w) => w.toMs <= cutoffMs)) {
    let kept = 0;
    try {
      const plan = await inTransaction((sql) => planWindow(sql, window, cutoffMs, maxKeep));
      kept = plan.kept;
      results.push(
        plan.action === 'held'
          ? { window, action: 'held', kept }
          : await inTransaction((sql) => reclaimWindow(sql, window, cutoffMs, plan.action)),
      );
    } catch (error) {
      // One window's trouble never stops the others; this one is tried again next round.
      results.push(
        isLockTimeout(error)
          ? { window, action: 'busy', kept }
          : { window, action: 'failed', kept, error: String(error) },
      );
    }
  }
  return results;
}

/** Without locks: what reclaiming the window would do (the kept rows are collected only when there are some). */
async function planWindow(
  sql: Sql,
  window: Window,
  cutoffMs: number,
  maxKeep: number,
): Promise<{ action: ReclaimAction; kept: number }> {
  if (!(await anyKept(sql, window, cutoffMs))) return { action: 'dropped', kept: 0 };
  const kept = await collectKept(sql, window, cutoffMs);
  if (kept > maxKeep) return { action: 'held', kept };
  const [{ rows }] = await sql<{ rows: number }>(
    `SELECT coalesce(sum(greatest(reltuples, 0)), 0)::float8 AS rows FROM pg_class WHERE relname = ANY ($1)`,
    [[`messages_${window.suffix}`, `transactions_${window.suffix}`]],
  );
  return rows > Math.max(COMPACT_GAIN * kept, COMPACT_MIN_ROWS)
    ? { action: 'compacted', kept }
    : { action: 'held', kept };
}

/**
 * Under an exclusive lock of the six tables (briefly, or not at all): drop or compact, as planned.
 * A drop first checks, with one indexed probe per kind, that nothing became worth keeping since
 * the plan (a replay, say); if something did, the window waits for the next round.
 */
async function reclaimWindow(
  sql: Sql,
  window: Window,
  cutoffMs: number,
  planned: ReclaimAction,
): Promise<ReclaimResult> {
  await sql(`SELECT pg_advisory_xact_lock($1)`, [WINDOWS_LOCK_KEY]);
  await sql(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT_MS}ms'`);
  await sql(
    `LOCK TABLE ONLY ${PARTITIONED_TABLES.map(({ table }) => table).join(', ')} IN ACCESS EXCLUSIVE MODE`,
  );
  const locked = performance.now();
  const lockedMs = () => Math.round((performance.now() - locked) * 10) / 10;
  if (planned === 'dropped') {
    if (await anyKept(sql, window, cutoffMs))
      return { window, action: 'held', kept: 0, lockedMs: lockedMs() };
    for (const { table } of PARTITIONED_TABLES) await sql(`DROP TABLE ${table}_${window.suffix}`);
    return { window, action: 'dropped', kept: 0, lockedMs: lockedMs() };
  }
  const kept = await collectKept(sql, window, cutoffMs);
  for (const { table, key } of PARTITIONED_TABLES) {
    const name = `${table}_${window.suffix}`;
    await sql(`ALTER TABLE ${table} DETACH PARTITION ${name}`);
    await sql(`ALTER TABLE ${name} RENAME TO ${name}_old`);
    await sql(`CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await sql(`INSERT INTO ${name} SELECT * FROM ${name}_old WHERE ${keptRowsOf(table, key)}`);
    if (table === 'deliveries' && window.fromMs === 0) {
      // Deliveries made before partitioning have random ids: their dedupe key stays unique here.
      await sql(`CREATE UNIQUE INDEX ON ${name} (message_id, consumer_group, member)`);
    }
    await sql(`ALTER TABLE ${table} ATTACH PARTITION ${name} ${boundsOf(window)}`);
    await sql(`DROP TABLE ${name}_old`);
  }
  return { window, action: 'compacted', kept, lockedMs: lockedMs() };
}

/**
 * Fills the temporary tables kept_messages and kept_transactions (dropped at commit) with what
 * must outlive the window, and returns how many rows they hold.
 */
async function collectKept(sql: Sql, window: Window, cutoffMs: number): Promise<number> {
  await sql(`DROP TABLE IF EXISTS pg_temp.kept_messages, pg_temp.kept_transactions`);
  await sql(`CREATE TEMP TABLE kept_messages ON COMMIT DROP AS ${keptMessagesSql(window)}`, [
    cutoffParam(cutoffMs),
  ]);
  await sql(
    `CREATE TEMP TABLE kept_transactions ON COMMIT DROP AS ${keptTransactionsSql(window)}
       UNION SELECT m.transaction_id FROM kept_messages k JOIN messages m ON m.id = k.id
        WHERE m.transaction_id IS NOT NULL`,
    [cutoffParam(cutoffMs)],
  );
  const [{ n }] = await sql<{ n: number }>(
    `SELECT ((SELECT count(*) FROM kept_messages) + (SELECT count(*) FROM kept_transactions))::int AS n`,
  );
  return n;
}

/** Whether anything in the window must live on: one indexed probe per kind, nothing collected. */
async function anyKept(sql: Sql, window: Window, cutoffMs: number): Promise<boolean> {
  const [{ any }] = await sql<{ any: boolean }>(
    `SELECT EXISTS (${keptMessagesSql(window)}) OR EXISTS (${keptTransactionsSql(window)}) AS any`,
    [cutoffParam(cutoffMs)],
  );
  return any;
}

const cutoffParam = (cutoffMs: number) => new Date(cutoffMs).toISOString();

/** Messages of the window that must live on ($1: the retention's cutoff), each by a partial index. */
function keptMessagesSql(window: Window): string {
  const part = (table: string) => `${table}_${window.suffix}`;
  return `SELECT m.id FROM transactions t JOIN ${part('messages')} m ON m.transaction_id = t.id
           WHERE t.state IN ('PREPARED', 'STUCK')
          UNION SELECT id FROM ${part('messages')} WHERE published_at >= $1
          UNION SELECT message_id FROM ${part('deliveries')} WHERE state IN ('pending', 'inflight', 'retrying')
          UNION SELECT message_id FROM ${part('deliveries')} WHERE state = 'dead' AND dead_at >= $1`;
}

/** Transactions of the window that must live on: open ones and those resolved within the retention. */
function keptTransactionsSql(window: Window): string {
  const part = `transactions_${window.suffix}`;
  return `SELECT id FROM ${part} WHERE state IN ('PREPARED', 'STUCK')
          UNION SELECT id FROM ${part} WHERE resolved_at >= $1`;
}

function keptRowsOf(table: string, key: string): string {
  switch (table) {
    case 'transactions':
    case 'check_attempts':
      return `${key} IN (SELECT id FROM kept_transactions)`;
    case 'delivery_attempts':
      // Deliveries come before their attempts in PARTITIONED_TABLES: the kept ones are in place.
      return `${key} IN (SELECT d.id FROM deliveries d JOIN kept_messages k ON d.message_id = k.id)`;
    case 'deliveries':
      return `message_id IN (SELECT id FROM kept_messages)`;
    default:
      return `${key} IN (SELECT id FROM kept_messages)`;
  }
}

function isLockTimeout(error: unknown): boolean {
  return (error as { code?: string }).code === '55P03';
}
