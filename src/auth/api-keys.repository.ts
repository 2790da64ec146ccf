import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { queryRows } from '../infra/database/sql';
import { ApiKey } from './api-key.entity';

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(ApiKey);
  }

  findActiveByHash(tokenHash: string, manager?: EntityManager): Promise<ApiKey | null> {
    return this.repo(manager).findOneBy({ tokenHash, revokedAt: IsNull() });
  }

  async insert(key: ApiKey, manager?: EntityManager): Promise<void> {
    await this.repo(manager).insert(key);
  }

  /** Active keys ordered by id (UUIDv7, so by creation), after `afterId`. */
  listActive(limit: number, afterId?: string, manager?: EntityManager): Promise<ApiKey[]> {
    const query = this.repo(manager)
      .createQueryBuilder('k')
      .where('k.revoked_at IS NULL')
      .orderBy('k.id', 'ASC')
      .limit(limit);
    if (afterId) query.andWhere('k.id > :afterId', { afterId });
    return query.getMany();
  }

  /** Marks the key revoked; returns its token hash, or null when there was no active key. */
  async revoke(id: string, manager?: EntityManager): Promise<string | null> {
    const rows = await queryRows<{ tokenHash: string }>(
      manager ?? this.dataSource,
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING token_hash`,
      [id],
    );
    return rows[0]?.tokenHash ?? null;
  }
}
