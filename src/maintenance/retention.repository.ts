import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../infra/database/sql';
import { DELETE_IDEMPOTENCY_KEYS_SQL, DELETE_MESSAGES_SQL, DELETE_TRANSACTIONS_SQL } from './retention.sql';

/**
 * Retention deletes, a bounded batch per statement, only what is fully resolved and older than
 * the retention: rolled-back messages; committed messages no group still has to deliver (every
 * delivery acked, or dead-lettered longer ago than the retention); resolved transactions left
 * without messages; old idempotency keys (never younger than 24 h, SPEC §3). A PREPARED or STUCK
 * transaction and its messages are never touched, nor is an undelivered message.
 */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async deleteMessages(minutes: number, limit: number): Promise<number> {
    const rows = await queryRows(this.dataSource, DELETE_MESSAGES_SQL, [minutes, limit]);
    return rows.length;
  }

  async deleteTransactions(minutes: number, limit: number): Promise<number> {
    const rows = await queryRows(this.dataSource, DELETE_TRANSACTIONS_SQL, [minutes, limit]);
    return rows.length;
  }

  async deleteIdempotencyKeys(minutes: number, limit: number): Promise<number> {
    const rows = await queryRows(this.dataSource, DELETE_IDEMPOTENCY_KEYS_SQL, [minutes, limit]);
    return rows.length;
  }
}
