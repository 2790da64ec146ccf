import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HotPath } from '../../infra/database/hot-path';
import { queryPrepared, queryRows } from '../../infra/database/sql';
import { IS_HEAD_OF_KEY } from '../ordered-key.sql';
import { EXPIRE_LEASES_SQL } from './deliveries.sql';
import { ENDPOINT_URL, MAY_PUSH } from '../push-gate.sql';

/** Deliveries handed over at once after a resume or a circuit closing. */
const READY_TO_PUSH_LIMIT = 5000;

/** A delivery to hand to the push queue (or, for pull groups, to announce to waiting receivers). */
export interface QueuedDelivery {
  id: string;
  consumerGroup: string;
  deliveryType: 'push' | 'pull';
  /** The attempt the queued job will make. */
  attempt: number;
  delayMs: number;
}

/** Deliveries as a whole: creation at commit, lease expiry, and what the reconciler re-queues. */
@Injectable()
export class DeliveriesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hotPath: HotPath,
  ) {}

  /**
   * Inflight deliveries whose lease ran out (a pull consumer's invisible time, or a push worker
   * that died mid-request) become retrying at once, or dead once no retries are left; each such
   * attempt is recorded as expired. Limited to one group/member when given (a receive).
   */
  expireLeases(scope?: { group: string; member: string }): Promise<QueuedDelivery[]> {
    return queryPrepared<QueuedDelivery>(this.hotPath.dataSource, 'expire_leases', EXPIRE_LEASES_SQL, [
      scope?.group ?? null,
      scope?.member ?? '',
    ]);
  }

  /** Push deliveries due for a while: their queue job may be gone (Redis flushed or restarted). */
  overduePush(graceMs: number, limit: number): Promise<QueuedDelivery[]> {
    return queryRows<QueuedDelivery>(
      this.dataSource,
      `SELECT d.id, d.consumer_group, 'push' AS delivery_type, d.attempts + 1 AS attempt, 0 AS delay_ms
         FROM deliveries d JOIN consumer_groups g ON g.name = d.consumer_group AND g.delivery_type = 'push'
        WHERE d.state IN ('pending', 'retrying') AND d.available_at < now() - make_interval(secs => $1 / 1000.0)
          AND ${IS_HEAD_OF_KEY} AND ${MAY_PUSH}
        ORDER BY d.available_at LIMIT $2`,
      [graceMs, limit],
    );
  }

  /**
   * A push group's deliveries that may go now, each at its due time: after a resume, or after the
   * circuit of endpoint `url` (null: all of the group's) closed. Beyond the first
   * `READY_TO_PUSH_LIMIT` the reconciler finds the rest as overdue.
   */
  readyToPush(group: string, url: string | null): Promise<QueuedDelivery[]> {
    return queryRows<QueuedDelivery>(
      this.dataSource,
      `SELECT d.id, d.consumer_group, 'push' AS delivery_type, d.attempts + 1 AS attempt,
              greatest(0, ceil(extract(epoch FROM d.available_at - now()) * 1000))::int AS delay_ms
         FROM deliveries d JOIN consumer_groups g ON g.name = d.consumer_group AND g.delivery_type = 'push'
        WHERE d.consumer_group = $1 AND d.state IN ('pending', 'retrying')
          AND ($2::text IS NULL OR ${ENDPOINT_URL} = $2)
          AND ${IS_HEAD_OF_KEY} AND ${MAY_PUSH}
        ORDER BY d.available_at LIMIT $3`,
      [group, url, READY_TO_PUSH_LIMIT],
    );
  }

  /** In ordered groups: the next undelivered message of each (group, member, key), now its turn. */
  async nextOfKeys(
    keys: { group: string; member: string; shardingKey: string }[],
  ): Promise<QueuedDelivery[]> {
    const rows = await queryRows<QueuedDelivery & { state: string }>(
      this.dataSource,
      `SELECT DISTINCT ON (d.consumer_group, d.member, d.sharding_key)
              d.id, d.consumer_group, g.delivery_type, d.attempts + 1 AS attempt,
              greatest(0, ceil(extract(epoch FROM d.available_at - now()) * 1000))::int AS delay_ms, d.state
         FROM unnest($1::text[], $2::text[], $3::text[]) AS k(consumer_group, member, sharding_key)
         JOIN deliveries d ON d.consumer_group = k.consumer_group AND d.member = k.member
              AND d.sharding_key = k.sharding_key AND d.state IN ('pending', 'retrying', 'inflight')
         JOIN consumer_groups g ON g.name = d.consumer_group
        ORDER BY d.consumer_group, d.member, d.sharding_key, d.commit_seq`,
      [keys.map((k) => k.group), keys.map((k) => k.member), keys.map((k) => k.shardingKey)],
    );
    // A key whose oldest unfinished message is already in flight has nothing to start.
    return rows.filter((row) => row.state !== 'inflight');
  }
}
