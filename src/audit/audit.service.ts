// The audit log (SPEC §10): every operator write, newest first.
import { Injectable } from '@nestjs/common';
import { isUuidKey, pageAfterKey, type PageQuery } from '../common/pagination';
import { AuditRepository, type AuditRow } from './audit.repository';
import type { AuditEntryView } from './audit.view';

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  list(query: PageQuery) {
    return pageAfterKey(
      query,
      (limit, before) => this.audit.list(limit, before),
      (row) => row.id,
      toAuditView,
      isUuidKey,
    );
  }
}

const toAuditView = (row: AuditRow): AuditEntryView => ({
  id: row.id,
  at: row.at.toISOString(),
  actor: row.actor,
  action: row.action,
  target: row.target,
  count: row.count,
  result: row.result,
  ...(row.detail ? { detail: row.detail } : {}),
});
