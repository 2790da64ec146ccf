import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '../common/ids';
import { queryRows } from '../infra/database/sql';

export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  count: number;
  result: string;
  detail?: Record<string, unknown> | null;
}

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string;
  count: number;
  result: string;
  detail: Record<string, unknown> | null;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(entry: AuditEntry): Promise<void> {
    await queryRows(
      this.dataSource,
      `INSERT INTO audit_log (id, actor, action, target, count, result, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [newId(), entry.actor, entry.action, entry.target, entry.count, entry.result, entry.detail ?? null],
    );
  }

  /** Newest first; ids are UUIDv7, so their order is the order of writing. */
  list(limit: number, beforeId?: string): Promise<AuditRow[]> {
    return queryRows<AuditRow>(
      this.dataSource,
      `SELECT * FROM audit_log WHERE $2::uuid IS NULL OR id < $2 ORDER BY id DESC LIMIT $1`,
      [limit, beforeId ?? null],
    );
  }

  /** Retention: the audit log is kept as long as messages are. */
  async deleteOlderThan(minutes: number, limit: number): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM audit_log WHERE id IN (
         SELECT id FROM audit_log WHERE at < now() - make_interval(mins => $1) ORDER BY at LIMIT $2)
       RETURNING id`,
      [minutes, limit],
    );
    return rows.length;
  }
}
