import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TimeIdKey } from '../../common/pagination';
import { queryRows } from '../../infra/database/sql';
import type { OpenState } from '../../transactions/transaction-state';

export interface OpenTransactionFilter {
  states: OpenState[];
  producerGroup?: string;
  olderThanSeconds?: number;
}

export interface AdminTransactionRow {
  id: string;
  producerGroup: string;
  state: string;
  createdAt: Date;
  createdAtKey: string;
  checks: number;
  nextCheckAt: Date | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  lastAt: Date | null;
  lastOutcome: string | null;
  lastHttpStatus: number | null;
  lastError: string | null;
  messages: { id: string; topic: string; key: string | null; tag: string | null }[];
}

export interface StuckSummaryRow {
  producerGroup: string;
  state: OpenState;
  lastError: string | null;
  count: number;
  oldestAt: Date;
  newestAt: Date;
  lastCheckAt: Date | null;
}

/** A transaction with its last check and its messages' summaries. */
const TRANSACTION_COLUMNS = `
  t.id, t.producer_group, t.state, t.created_at, t.created_at::text AS created_at_key, t.checks,
  t.next_check_at, t.resolved_at, t.resolved_by,
  lc.at AS last_at, lc.outcome AS last_outcome, lc.http_status AS last_http_status, lc.error AS last_error,
  (SELECT coalesce(json_agg(json_build_object('id', m.id, 'topic', m.topic, 'key', m.key, 'tag', m.tag) ORDER BY m.id), '[]')
     FROM messages m WHERE m.transaction_id = t.id) AS messages`;

const LAST_CHECK = `
  LEFT JOIN LATERAL (
    SELECT c.at, c.outcome, c.http_status, c.error FROM check_attempts c
     WHERE c.transaction_id = t.id ORDER BY c.attempt DESC, c.id DESC LIMIT 1
  ) lc ON true`;

/** PREPARED/STUCK transactions matching a filter; $1 states, $2 producer group, $3 min age. */
const MATCHES = `t.state = ANY ($1::text[]) AND ($2::text IS NULL OR t.producer_group = $2)
  AND ($3::int IS NULL OR t.created_at <= now() - make_interval(secs => $3))`;

const filterParams = (filter: OpenTransactionFilter) => [
  filter.states,
  filter.producerGroup ?? null,
  filter.olderThanSeconds ?? null,
];

@Injectable()
export class AdminTransactionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Oldest first, keyset on (created_at, id). */
  list(filter: OpenTransactionFilter, limit: number, after?: TimeIdKey): Promise<AdminTransactionRow[]> {
    return queryRows(
      this.dataSource,
      `SELECT ${TRANSACTION_COLUMNS} FROM transactions t ${LAST_CHECK}
        WHERE ${MATCHES} AND ($4::timestamptz IS NULL OR (t.created_at, t.id) > ($4, $5::uuid))
        ORDER BY t.created_at, t.id LIMIT $6`,
      [...filterParams(filter), after?.at ?? null, after?.id ?? null, limit],
    );
  }

  async find(id: string): Promise<AdminTransactionRow | null> {
    const [row] = await queryRows<AdminTransactionRow>(
      this.dataSource,
      `SELECT ${TRANSACTION_COLUMNS} FROM transactions t ${LAST_CHECK} WHERE t.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** The ids a bulk action's filter selects, oldest first, at most `limit`. */
  async matchingIds(filter: OpenTransactionFilter, limit: number): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `SELECT t.id FROM transactions t WHERE ${MATCHES} ORDER BY t.created_at, t.id LIMIT $4`,
      [...filterParams(filter), limit],
    );
    return rows.map((row) => row.id);
  }

  /** Which of `ids` exist, with their state. */
  async states(ids: string[]): Promise<Map<string, string>> {
    const rows = await queryRows<{ id: string; state: string }>(
      this.dataSource,
      `SELECT id, state FROM transactions WHERE id = ANY ($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.state]));
  }

  /**
   * STUCK transactions and PREPARED ones whose producer has not answered a check yet, grouped by
   * producer group, state and what their last check said (its error, or the UNKNOWN answer).
   */
  stuckSummary(filter: Omit<OpenTransactionFilter, 'states'>): Promise<StuckSummaryRow[]> {
    return queryRows(
      this.dataSource,
      `SELECT t.producer_group, t.state,
              coalesce(lc.error, CASE WHEN lc.outcome = 'UNKNOWN' THEN 'answered UNKNOWN' END) AS last_error,
              count(*)::int AS count, min(t.created_at) AS oldest_at, max(t.created_at) AS newest_at,
              max(lc.at) AS last_check_at
         FROM transactions t ${LAST_CHECK}
        WHERE ${MATCHES} AND (t.state = 'STUCK' OR t.checks > 0)
        GROUP BY 1, 2, 3
        ORDER BY (t.state = 'STUCK') DESC, count DESC, 1, 3`,
      [['PREPARED', 'STUCK'], filter.producerGroup ?? null, filter.olderThanSeconds ?? null],
    );
  }
}
