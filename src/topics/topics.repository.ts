import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '../infra/database/sql';
import { Topic } from './topic.entity';

export interface TopicCounts {
  messages: { prepared: number; committed: number; rolledBack: number };
  consumerGroups: number;
}

@Injectable()
export class TopicsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  findByName(name: string, manager?: EntityManager): Promise<Topic | null> {
    return this.manager(manager).getRepository(Topic).findOneBy({ name });
  }

  /** Creates or replaces; `created` tells which (xmax = 0 only for a freshly inserted row). */
  /** Creates or replaces the topic's description and durability; `created` tells which. */
  async upsert(
    name: string,
    fields: { description: string; durability: Topic['durability'] },
    manager?: EntityManager,
  ): Promise<{ created: boolean }> {
    const [row] = await queryRows<{ created: boolean }>(
      this.manager(manager),
      `INSERT INTO topics (name, description, durability) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, durability = EXCLUDED.durability,
                                        updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [name, fields.description, fields.durability],
    );
    return { created: row.created };
  }

  async existing(names: string[]): Promise<string[]> {
    const rows = await queryRows<{ name: string }>(
      this.dataSource,
      `SELECT name FROM topics WHERE name = ANY($1)`,
      [names],
    );
    return rows.map((row) => row.name);
  }

  list(limit: number, afterName?: string, manager?: EntityManager): Promise<Topic[]> {
    const query = this.manager(manager)
      .getRepository(Topic)
      .createQueryBuilder('t')
      .orderBy('t.name', 'ASC')
      .limit(limit);
    if (afterName !== undefined) query.where('t.name > :afterName', { afterName });
    return query.getMany();
  }

  async counts(name: string, manager?: EntityManager): Promise<TopicCounts> {
    const [row] = await queryRows<Record<string, string>>(
      this.manager(manager),
      `SELECT
         (SELECT count(*) FROM messages WHERE topic = $1 AND state = 'PREPARED') AS prepared,
         (SELECT count(*) FROM messages WHERE topic = $1 AND state = 'COMMITTED') AS committed,
         (SELECT count(*) FROM messages WHERE topic = $1 AND state = 'ROLLED_BACK') AS rolled_back,
         (SELECT count(*) FROM consumer_groups WHERE topic = $1) AS consumer_groups`,
      [name],
    );
    return {
      messages: {
        prepared: Number(row.prepared),
        committed: Number(row.committed),
        rolledBack: Number(row.rolledBack),
      },
      consumerGroups: Number(row.consumerGroups),
    };
  }

  /**
   * Deletes the topic unless a consumer group subscribes to it. Locks the topic row first so a
   * group created concurrently either lands before (and blocks the delete) or fails after.
   */
  async deleteUnlessSubscribed(name: string): Promise<'deleted' | 'missing' | 'subscribed'> {
    return this.dataSource.transaction(async (manager) => {
      const found: unknown[] = await queryRows(manager, `SELECT 1 FROM topics WHERE name = $1 FOR UPDATE`, [
        name,
      ]);
      if (found.length === 0) return 'missing';
      const groups: unknown[] = await queryRows(
        manager,
        `SELECT 1 FROM consumer_groups WHERE topic = $1 LIMIT 1`,
        [name],
      );
      if (groups.length > 0) return 'subscribed';
      await queryRows(manager, `DELETE FROM topics WHERE name = $1`, [name]);
      return 'deleted';
    });
  }
}
