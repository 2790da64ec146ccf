import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryPrepared, queryRows } from '../../infra/database/sql';
import { countAckedSql, traceLeftInflightSql } from '../delivery-state';
import { IS_HEAD_OF_KEY } from '../ordered-key.sql';
import type { PushAttempt } from '../dispatch/push-queue';

/** A push delivery claimed for one attempt, with what is needed to send it. */
export interface ClaimedPush {
  id: string;
  message_id: string;
  consumer_group: string;
  member: string;
  attempts: number;
  sharding_key: string | null;
  push_urls: string[];
  mode: 'clustering' | 'broadcasting';
  ordered: boolean;
  push_timeout_ms: number;
  secret: string;
  max_retries: number;
  retry_backoff_seconds: number[];
  dedupe_by: 'id' | 'key' | null;
  dedupe_window_seconds: number | null;
  topic: string;
  key: string | null;
  tag: string | null;
  headers: Record<string, string>;
  /** The body exactly as stored (json text), spliced into the request unchanged. */
  body: string;
  published_at: Date;
}

export interface PushOutcome {
  id: string;
  attempt: number;
  startedAt: Date;
  /** Whether the group is ordered: then a finished attempt lets the next message of its key go. */
  ordered: boolean;
  outcome: 'acked' | 'failed' | 'deduplicated';
  nextState: 'acked' | 'retrying' | 'dead';
  delaySeconds: number;
  httpStatus: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
}

export interface RecordedPush {
  id: string;
  consumer_group: string;
  member: string;
  sharding_key: string | null;
  state: 'acked' | 'retrying' | 'dead';
}

/** Leases outlive the request's own time-out, so a slow consumer is never sent the same attempt twice. */
export const LEASE_MARGIN_SECONDS = 30;

@Injectable()
export class PushRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims deliveries for the given attempts: only if still pending or retrying at the previous
   * attempt (so a stale or repeated job does nothing) and, in ordered groups, only the oldest
   * unfinished message of its key (G4).
   *
   * Claim and record run as prepared statements whose cached plan may be made before the table has
   * statistics. They look rows up by `d.id = ANY ($1)` and pass the states as a parameter, so the
   * plan cannot pick a partial index on state (which would scan the whole backlog per call).
   */
  claim(requests: PushAttempt[]): Promise<ClaimedPush[]> {
    return queryPrepared<ClaimedPush>(
      this.dataSource,
      'txmsg_push_claim',
      `WITH req AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS r(id, attempt)),
       claimed AS (
         UPDATE deliveries d
            SET state = 'inflight', attempts = d.attempts + 1,
                lease_until = now() + make_interval(secs => g.push_timeout_ms / 1000.0 + ${LEASE_MARGIN_SECONDS})
           FROM req, consumer_groups g
          WHERE d.id = ANY ($1::uuid[]) AND d.id = req.id
            AND d.attempts = req.attempt - 1 AND d.state = ANY ($3::text[])
            AND g.name = d.consumer_group AND g.delivery_type = 'push'
            AND ${IS_HEAD_OF_KEY}
         RETURNING d.id, d.message_id, d.consumer_group, d.member, d.attempts, d.sharding_key,
                   g.push_urls, g.mode, g.ordered, g.push_timeout_ms, g.secret, g.max_retries, g.retry_backoff_seconds,
                   g.dedupe_by, g.dedupe_window_seconds
       )
       SELECT c.*, m.topic, m.key, m.tag, m.headers, m.body::text AS body, m.published_at
         FROM claimed c JOIN messages m ON m.id = c.message_id`,
      [requests.map((r) => r.deliveryId), requests.map((r) => r.attempt), ['pending', 'retrying']],
    );
  }

  /**
   * Records attempts and moves their deliveries on, if the lease is still theirs (the reconciler
   * may have expired it meanwhile). Acks are added to the groups' `acked_total`.
   */
  record(outcomes: PushOutcome[]): Promise<RecordedPush[]> {
    return queryPrepared<RecordedPush>(
      this.dataSource,
      'txmsg_push_record',
      `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::float8[],
                              $7::int[], $8::int[], $9::text[], $10::text[])
           AS r(id, attempt, started_at, outcome, next_state, delay_s, http_status, latency_ms, excerpt, error)
       ), moved AS (
         UPDATE deliveries d
            SET state = r.next_state, lease_until = NULL,
                acked_at = CASE WHEN r.next_state = 'acked' THEN now() ELSE d.acked_at END,
                dead_at = CASE WHEN r.next_state = 'dead' THEN now() ELSE d.dead_at END,
                available_at = CASE WHEN r.next_state = 'retrying'
                                    THEN now() + make_interval(secs => r.delay_s) ELSE d.available_at END,
                last_error = CASE WHEN r.next_state = 'acked' THEN d.last_error ELSE r.error END
           FROM r
          WHERE d.id = ANY ($1::uuid[]) AND d.id = r.id AND d.state = $11 AND d.attempts = r.attempt
          RETURNING d.id, d.message_id, d.consumer_group, d.member, d.sharding_key, d.state, d.attempts, d.available_at
       ), traced AS (${traceLeftInflightSql('moved')}
       ), logged AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome, http_status, latency_ms, response_excerpt, error)
         SELECT r.id, r.attempt, r.started_at, r.outcome, r.http_status, r.latency_ms, r.excerpt, r.error
           FROM r JOIN moved ON moved.id = r.id
       ), counted AS (${countAckedSql('moved')}
       )
       SELECT id, consumer_group, member, sharding_key, state FROM moved`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.attempt),
        outcomes.map((o) => o.startedAt),
        outcomes.map((o) => o.outcome),
        outcomes.map((o) => o.nextState),
        outcomes.map((o) => o.delaySeconds),
        outcomes.map((o) => o.httpStatus),
        outcomes.map((o) => o.latencyMs),
        outcomes.map((o) => o.excerpt),
        outcomes.map((o) => o.error),
        'inflight',
      ],
    );
  }

  async maxConcurrency(group: string): Promise<number | null> {
    const [row] = await queryRows<{ max_concurrency: number | null }>(
      this.dataSource,
      `SELECT max_concurrency FROM consumer_groups WHERE name = $1`,
      [group],
    );
    return row?.max_concurrency ?? null;
  }
}
