import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../infra/database/sql';
import { DELETE_IDEMPOTENCY_KEYS_SQL } from './retention.sql';

/** Old idempotency keys (never younger than 24 h, SPEC §3); messages go by storage window. */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async deleteIdempotencyKeys(minutes: number, limit: number): Promise<number> {
    const rows = await queryRows(this.dataSource, DELETE_IDEMPOTENCY_KEYS_SQL, [minutes, limit]);
    return rows.length;
  }
}
