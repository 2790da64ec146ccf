// The producer and consumer helpers on top of the typed client: a transaction with its barrier in
// the producer's database, the check-back verdict from that barrier, idempotent side effects with
// the dedupe claims, and a pull consumer loop.
import { decideFromBarrier, recordCommitted, type Query } from './barrier';
import { TxmsgClient, type TxmsgOptions } from './client';
import { consume, type ConsumeOptions, type Consumer, type PullHandler } from './consumer';
import { TxmsgError } from './errors';
import type { CheckRequest, MessageInput, Transaction, Verdict } from './types';

/** One connection of the producer's database (a pg PoolClient or Client, a TypeORM QueryRunner). */
export interface Connection {
  query: Query;
}

/** The producer's database: a pg Pool, or anything that lends connections and runs one-off queries. */
export interface Database {
  query: Query;
  connect(): Promise<Connection & { release(): void }>;
}

export interface ProducerOptions extends TxmsgOptions {
  /** Where the barrier table lives: the producer's own database (a pg Pool). */
  db?: Database;
}

/** What the local work gets: the txmsg transaction and the connection its local transaction runs on. */
export interface LocalTransaction {
  id: string;
  messageIds: string[];
  query: Query;
}

export interface TransactionOptions {
  /** Run on this connection instead of one from `db` (BEGIN and COMMIT are issued on it). */
  connection?: Connection;
  checkImmunitySeconds?: number;
  idempotencyKey?: string;
}

export class Txmsg extends TxmsgClient {
  private readonly db?: Database;

  constructor(options: ProducerOptions) {
    super(options);
    this.db = options.db;
  }

  /**
   * Prepares the messages, runs `work` in a local transaction of the producer's database that
   * also records the txmsg transaction in the barrier table, then commits in txmsg. When `work`
   * throws, the local transaction and the txmsg transaction are rolled back and the error is
   * rethrown. When the process dies between the local commit and txmsg's, the check-back
   * (`decide`) finds the barrier row and commits.
   */
  async transaction<T>(
    producerGroup: string,
    messages: MessageInput[],
    work: (tx: LocalTransaction) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<{ transaction: Transaction; result: T }> {
    const prepared = await this.prepare(
      {
        producerGroup,
        messages,
        ...(options.checkImmunitySeconds === undefined
          ? {}
          : { checkImmunitySeconds: options.checkImmunitySeconds }),
      },
      { idempotencyKey: options.idempotencyKey },
    );
    const lent = options.connection ? undefined : await this.database().connect();
    const connection = options.connection ?? (lent as Connection);
    const query: Query = (sql, params) => connection.query(sql, params);
    let result: T;
    try {
      await query('BEGIN');
      try {
        await recordCommitted(query, prepared.id);
        result = await work({ id: prepared.id, messageIds: prepared.messageIds, query });
      } catch (error) {
        await query('ROLLBACK').catch(() => undefined);
        // Best effort: if this fails too, the check-back finds no barrier row and rolls back.
        await this.rollback(prepared.id).catch(() => undefined);
        throw error;
      }
      // Should COMMIT fail, whether it happened is unknown here: the check-back will tell.
      await query('COMMIT');
    } finally {
      lent?.release();
    }
    return { transaction: await this.commit(prepared.id), result };
  }

  /** The check-back verdict from the barrier table: pass it to `checkbackHandler` as `decide`. */
  decide = (check: CheckRequest): Promise<Verdict> =>
    decideFromBarrier((sql, params) => this.database().query(sql, params), check.transactionId);

  /**
   * Runs `fn` at most once per `key` in `group` with the dedupe claims (SPEC §8): claim, run,
   * complete — or release when `fn` throws, so a retry may run it. A key already done skips `fn`;
   * one in progress elsewhere throws (status 409, code `claim_in_progress`), so the delivery is
   * retried later.
   */
  async idempotent<T>(
    group: string,
    key: string,
    fn: () => Promise<T>,
    leaseSeconds?: number,
  ): Promise<{ ran: true; result: T } | { ran: false }> {
    const claim = await this.claim(group, key, leaseSeconds);
    if (!claim.claimed) {
      if (claim.state === 'done') return { ran: false };
      throw new TxmsgError(409, 'claim_in_progress', `${key} is being processed elsewhere`);
    }
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      await this.releaseClaim(group, key, claim.token).catch(() => undefined);
      throw error;
    }
    await this.completeClaim(group, key, claim.token);
    return { ran: true, result };
  }

  /** Pulls from `group` and runs `handle` on each message; see `ConsumeOptions`. */
  consume(group: string, handle: PullHandler, options?: ConsumeOptions): Consumer {
    return consume(this, group, handle, options);
  }

  private database(): Database {
    if (!this.db) throw new Error('no producer database: pass `db` (a pg Pool) to new Txmsg(…)');
    return this.db;
  }
}
