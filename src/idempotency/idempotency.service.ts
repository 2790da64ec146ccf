// Idempotency-Key (SPEC §3): a repeat with the same key and body returns the first result (200);
// the same key with another body is 422. Records live in Postgres, written in the same
// transaction as what they protect, and are kept at least 24 h.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, ErrorCode } from '../common/errors/api-error';
import { queryRows } from '../infra/database/sql';

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface IdempotentResult<T> {
  status: number;
  body: T;
}

@Injectable()
export class IdempotencyService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `create` in a database transaction unless `key` was used before in `scope`. The key row
   * is inserted first, so a concurrent repeat waits on it and then sees the stored result.
   */
  async run<T>(
    scope: string,
    key: string | undefined,
    request: unknown,
    create: (manager: EntityManager) => Promise<T>,
  ): Promise<IdempotentResult<T>> {
    if (key === undefined) {
      return { status: 201, body: await this.dataSource.transaction((manager) => create(manager)) };
    }
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw ApiError.validation('Idempotency-Key must be 1..255 visible ASCII characters', [
        { field: 'Idempotency-Key', message: 'must be 1..255 visible ASCII characters' },
      ]);
    }
    const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    return this.dataSource.transaction(async (manager) => {
      const claimed = await queryRows(
        manager,
        `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response)
         VALUES ($1, $2, $3, 0, 'null') ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
        [scope, key, requestHash],
      );
      if (claimed.length === 0) return this.replay<T>(manager, scope, key, requestHash);
      const body = await create(manager);
      await queryRows(
        manager,
        `UPDATE idempotency_keys SET status_code = 201, response = $3 WHERE scope = $1 AND key = $2`,
        [scope, key, JSON.stringify(body)],
      );
      return { status: 201, body };
    });
  }

  private async replay<T>(manager: EntityManager, scope: string, key: string, requestHash: string) {
    const [stored] = await queryRows<{ requestHash: string; response: T }>(
      manager,
      `SELECT request_hash, response FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    if (stored.requestHash !== requestHash) {
      throw new ApiError(
        ErrorCode.IdempotencyKeyReused,
        'Idempotency-Key was already used with a different request body',
      );
    }
    return { status: 200, body: stored.response };
  }
}
