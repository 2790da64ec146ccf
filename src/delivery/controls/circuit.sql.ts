// The circuit breaker's statements (SPEC §7 `delivery.circuitBreaker`), plain so a medium spec
// runs exactly what the service runs. A push endpoint (group, url) is `closed` (pushes go),
// `open` (nothing goes; since `failures` attempts in a row failed) or `half_open` (one real
// delivery, the probe, goes; its 2xx closes the circuit, its failure opens it again).
import { IS_HEAD_OF_KEY } from '../ordered-key.sql';
import { ENDPOINT_URL } from '../push-gate.sql';

/**
 * Applies the outcomes of a batch of attempts per endpoint ($1 groups, $2 urls, $3 failures after
 * the endpoint's last success in the batch, $4 whether it had a success, $5 the last error) and
 * returns each endpoint's state before and after. Any 2xx closes the circuit; `failures` in a row
 * open it; a failure while it is not closed (a probe, or an attempt that was already under way)
 * keeps or makes it open. Only groups with a circuit breaker are passed.
 */
export const CIRCUIT_RECORD_SQL = `WITH r AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bool[], $5::text[])
           AS r(consumer_group, url, failures, succeeded, last_error)
       ), before AS (
         SELECT e.consumer_group, e.url, e.state, g.circuit_failures AS threshold,
                g.circuit_probe_seconds AS probe_seconds, r.failures, r.succeeded, r.last_error,
                CASE WHEN r.succeeded THEN r.failures ELSE e.consecutive_failures + r.failures END AS fails
           FROM r JOIN push_endpoints e ON e.consumer_group = r.consumer_group AND e.url = r.url
           JOIN consumer_groups g ON g.name = e.consumer_group
            FOR UPDATE OF e
       ), decided AS (
         SELECT b.*, CASE
                  WHEN b.threshold IS NULL OR (b.succeeded AND b.failures = 0) THEN 'closed'
                  WHEN b.fails >= b.threshold OR b.state <> 'closed' THEN 'open'
                  ELSE 'closed' END AS next_state
           FROM before b
       )
       UPDATE push_endpoints e
          SET state = d.next_state, consecutive_failures = d.fails,
              since = CASE WHEN d.next_state <> d.state THEN now() ELSE e.since END,
              last_error = CASE WHEN d.failures > 0 THEN d.last_error ELSE e.last_error END,
              next_probe_at = CASE WHEN d.next_state <> 'open' THEN NULL
                                   WHEN d.state = 'open' THEN e.next_probe_at
                                   ELSE now() + make_interval(secs => d.probe_seconds) END,
              probe_delivery_id = NULL
         FROM decided d
        WHERE e.consumer_group = d.consumer_group AND e.url = d.url
       RETURNING e.consumer_group, e.url, d.state AS was, e.state, e.last_error`;

/**
 * Open circuits whose probe is due become half-open with the oldest delivery that may go to them
 * as the probe (returned, to be queued); one with nothing to deliver waits another interval.
 */
export const CIRCUIT_PROBE_SQL = `WITH due AS (
         SELECT e.consumer_group, e.url FROM push_endpoints e
          WHERE e.state = 'open' AND e.next_probe_at <= now()
          FOR UPDATE SKIP LOCKED
       ), picked AS (
         SELECT due.consumer_group, due.url, p.id, p.attempt
           FROM due LEFT JOIN LATERAL (
             SELECT d.id, d.attempts + 1 AS attempt
               FROM deliveries d JOIN consumer_groups g ON g.name = d.consumer_group
              WHERE d.consumer_group = due.consumer_group AND d.state IN ('pending', 'retrying')
                AND ${ENDPOINT_URL} = due.url AND g.paused_at IS NULL AND ${IS_HEAD_OF_KEY}
              ORDER BY d.available_at, d.commit_seq LIMIT 1) p ON true
       )
       UPDATE push_endpoints e
          SET state = CASE WHEN p.id IS NULL THEN 'open' ELSE 'half_open' END,
              since = CASE WHEN p.id IS NULL THEN e.since ELSE now() END,
              probe_delivery_id = p.id,
              next_probe_at = now() + make_interval(secs => g.circuit_probe_seconds)
         FROM picked p, consumer_groups g
        WHERE e.consumer_group = p.consumer_group AND e.url = p.url AND g.name = e.consumer_group
       RETURNING p.id, p.consumer_group, p.attempt`;

/**
 * Half-open circuits whose probe never reported (its job lost, its worker dead) for a probe
 * interval plus the push time-out and $1 seconds go back to open, to probe again at once; and
 * circuits of groups that no longer have a breaker close (returned, to hand their deliveries over).
 */
export const CIRCUIT_REPAIR_SQL = `WITH stale AS (
         UPDATE push_endpoints e SET state = 'open', next_probe_at = now(), probe_delivery_id = NULL
           FROM consumer_groups g
          WHERE g.name = e.consumer_group AND e.state = 'half_open' AND g.circuit_failures IS NOT NULL
            AND e.since < now() - make_interval(secs => g.circuit_probe_seconds + g.push_timeout_ms / 1000.0 + $1)
       )
       UPDATE push_endpoints e
          SET state = 'closed', since = now(), consecutive_failures = 0, next_probe_at = NULL, probe_delivery_id = NULL
         FROM consumer_groups g
        WHERE g.name = e.consumer_group AND e.state <> 'closed' AND g.circuit_failures IS NULL
       RETURNING e.consumer_group, e.url`;
