// What the database did per delivered message, from pg_stat_statements (the bench's Postgres
// loads it): statements, write transactions (each takes a transaction id, whether it commits by
// an explicit COMMIT or as a single statement) and execution time, and the statements that cost
// most.
import { Client } from 'pg';

export interface StatementCosts {
  statementsPerMessage: number;
  /** Transactions that wrote (and so committed to the WAL), per message. */
  writeTransactionsPerMessage: number;
  dbMillisecondsPerMessage: number;
  top: { query: string; callsPerMessage: number; msPerMessage: number }[];
}

/** The next transaction id to be assigned (reading it assigns none). */
const NEXT_XID_SQL = 'SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xid';

/** Starts counting: resets the statements and returns where transaction ids stand. */
export async function resetStatements(url: string): Promise<{ xid: number }> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await db.query('SELECT pg_stat_statements_reset()');
    return { xid: Number((await db.query(NEXT_XID_SQL)).rows[0].xid) };
  } finally {
    await db.end();
  }
}

export async function statementCosts(
  url: string,
  since: { xid: number },
  messages: number,
): Promise<StatementCosts> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const writes = Number((await db.query(NEXT_XID_SQL)).rows[0].xid) - since.xid;
    const { rows } = await db.query<{ query: string; calls: string; ms: number }>(
      `SELECT query, calls, total_exec_time AS ms FROM pg_stat_statements s
         JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database()
        ORDER BY total_exec_time DESC`,
    );
    const per = (n: number) => Number((n / Math.max(1, messages)).toFixed(2));
    const calls = rows.reduce((sum, row) => sum + Number(row.calls), 0);
    return {
      statementsPerMessage: per(calls),
      writeTransactionsPerMessage: per(writes),
      dbMillisecondsPerMessage: per(rows.reduce((sum, row) => sum + row.ms, 0)),
      top: rows.slice(0, 8).map((row) => ({
        query: row.query.replace(/\s+/g, ' ').slice(0, 100),
        callsPerMessage: per(Number(row.calls)),
        msPerMessage: Number((row.ms / Math.max(1, messages)).toFixed(3)),
      })),
    };
  } finally {
    await db.end();
  }
}
