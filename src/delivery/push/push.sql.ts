// The push worker's two statements, plain so a medium spec runs exactly what the repository runs.
// Both fence on (state, attempts): a repeated or stale job claims nothing, and an outcome whose
// lease has been taken away (the reconciler expired it) records nothing.
import { ASYNC_COMMIT_JOIN, asyncCommitCte } from '../../topics/durability.sql';
import { CLAIMABLE_STATES, countAckedSql, traceLeftInflightSql } from '../delivery-state';
import type { PushAttempt } from '../dispatch/push-job';
import { IS_HEAD_OF_KEY } from '../ordered-key.sql';
import { IS_PROBE, MAY_PUSH } from '../push-gate.sql';

/** How one push attempt ended, as the record statement stores it. */
export interface PushOutcome {
  id: string;
  attempt: number;
  startedAt: Date;
  /** Whether the group is ordered: then a finished attempt lets the next message of its key go. */
  ordered: boolean;
  /** A failed probe of a half-open circuit: its attempt does not count against maxRetries. */
  free: boolean;
  outcome: 'acked' | 'failed' | 'deduplicated';
  nextState: 'acked' | 'retrying' | 'dead';
  delaySeconds: number;
  httpStatus: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
}

/**
 * Claims deliveries still waiting at the previous attempt ($1 ids, $2 attempts, $3 claimable
 * states). A lease outlives the request's own time-out by $4 seconds, so a slow consumer is never
 * sent the same attempt twice; the rows come back with the attempt they were claimed for.
 */
export const PUSH_CLAIM_SQL = `WITH req AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS r(id, attempt)),
       claimed AS (
         UPDATE deliveries d
            SET state = 'inflight', attempts = d.attempts + 1,
                lease_until = now() + make_interval(secs => g.push_timeout_ms / 1000.0 + $4::int)
           FROM req, consumer_groups g
          WHERE d.id = ANY ($1::uuid[]) AND d.id = req.id
            AND d.attempts = req.attempt - 1 AND d.state = ANY ($3::text[])
            AND g.name = d.consumer_group AND g.delivery_type = 'push'
            AND ${IS_HEAD_OF_KEY} AND ${MAY_PUSH}
         RETURNING d.id, d.message_id, d.consumer_group, d.member, d.attempts, d.free_attempts, d.sharding_key,
                   g.push_urls, g.mode, g.ordered, g.push_timeout_ms, g.secret, g.max_retries, g.retry_backoff_seconds,
                   g.dedupe_by, g.dedupe_window_seconds, g.push_batch_max_messages, g.push_batch_max_wait_ms,
                   g.circuit_failures, g.circuit_probe_seconds, ${IS_PROBE} AS probe
       )
       SELECT c.*, m.topic, m.key, m.tag, m.headers, m.body::text AS body, m.published_at,
              m.traceparent, m.tracestate, m.schema_version
         FROM claimed c JOIN messages m ON m.id = c.message_id`;

export const pushClaimParams = (requests: PushAttempt[], leaseMarginSeconds: number) => [
  requests.map((r) => r.deliveryId),
  requests.map((r) => r.attempt),
  [...CLAIMABLE_STATES],
  leaseMarginSeconds,
];

/** Records outcomes of attempts whose lease is still theirs (inflight at that attempt). */
export const PUSH_RECORD_SQL = `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::float8[],
                              $7::int[], $8::int[], $9::text[], $10::text[], $12::bool[])
           AS r(id, attempt, started_at, outcome, next_state, delay_s, http_status, latency_ms, excerpt, error, free)
       ), moved AS (
         UPDATE deliveries d
            SET state = r.next_state, lease_until = NULL,
                acked_at = CASE WHEN r.next_state = 'acked' THEN now() ELSE d.acked_at END,
                dead_at = CASE WHEN r.next_state = 'dead' THEN now() ELSE d.dead_at END,
                available_at = CASE WHEN r.next_state = 'retrying'
                                    THEN now() + make_interval(secs => r.delay_s) ELSE d.available_at END,
                last_error = CASE WHEN r.next_state = 'acked' THEN d.last_error ELSE r.error END,
                free_attempts = d.free_attempts + CASE WHEN r.free THEN 1 ELSE 0 END
           FROM r
          WHERE d.id = ANY ($1::uuid[]) AND d.id = r.id AND d.state = $11 AND d.attempts = r.attempt
          RETURNING d.id, d.message_id, d.consumer_group, d.member, d.sharding_key, d.state, d.attempts, d.available_at
       ), traced AS (${traceLeftInflightSql('moved')}
       ), logged AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome, http_status, latency_ms, response_excerpt, error)
         SELECT r.id, r.attempt, r.started_at, r.outcome, r.http_status, r.latency_ms, r.excerpt, r.error
           FROM r JOIN moved ON moved.id = r.id
       ), counted AS (${countAckedSql('moved')}
       ), ${asyncCommitCte('(SELECT g.topic FROM moved JOIN consumer_groups g ON g.name = moved.consumer_group) AS q')}
       SELECT id, consumer_group, member, sharding_key, state FROM moved ${ASYNC_COMMIT_JOIN}`;

export const pushRecordParams = (outcomes: PushOutcome[]) => [
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
  outcomes.map((o) => o.free),
];
