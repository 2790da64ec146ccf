// The deliveries' statements, plain so a medium spec runs exactly what the repository runs.
import { outOfRetriesSql, traceLeftInflightSql } from '../delivery-state';

const OUT_OF_RETRIES = outOfRetriesSql('d.attempts - d.free_attempts', 'g.max_retries');

/**
 * Inflight deliveries whose lease ran out become retrying at once, or dead once no retries are
 * left; each such attempt is recorded as expired ($1 group and $2 member, or null for all). A
 * hot-path statement (every receive runs it first): the expired ids reach the deliveries through
 * `= ANY`, so a generic plan prunes the windows when it runs.
 */
export const EXPIRE_LEASES_SQL = `WITH expired AS (
         SELECT d.id FROM deliveries d
          WHERE d.state = 'inflight' AND d.lease_until < now()
            AND ($1::text IS NULL OR (d.consumer_group = $1 AND d.member = $2))
          ORDER BY d.lease_until LIMIT 1000
          FOR UPDATE SKIP LOCKED
       ), moved AS (
         UPDATE deliveries d
            SET state = CASE WHEN ${OUT_OF_RETRIES} THEN 'dead' ELSE 'retrying' END,
                dead_at = CASE WHEN ${OUT_OF_RETRIES} THEN now() END,
                available_at = now(), lease_until = NULL, receipt = NULL,
                last_error = CASE WHEN g.delivery_type = 'pull' THEN 'not acknowledged within its invisible time'
                                  ELSE 'no outcome recorded before the lease ran out' END
           FROM consumer_groups g
          WHERE d.id = ANY (ARRAY(SELECT id FROM expired)) AND g.name = d.consumer_group
          RETURNING d.id, d.message_id, d.consumer_group, d.state, d.attempts, d.available_at, d.last_error, g.delivery_type
       ), attempts AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome, error)
         SELECT id, attempts, now(), 'expired', last_error FROM moved
       ), traced AS (${traceLeftInflightSql('moved')})
       SELECT id, consumer_group, delivery_type, attempts + 1 AS attempt, 0 AS delay_ms
         FROM moved WHERE state = 'retrying'`;

/**
 * The members a message `m` of group `g` goes to: '' for clustering groups, each URL of a
 * broadcasting push group, each registered consumer of a broadcasting pull group (only those
 * registered before the message was committed when `onlyEarlierMembers`).
 */
export const membersOf = (message: string, onlyEarlierMembers: boolean) => `(
  SELECT '' AS member WHERE g.mode = 'clustering'
  UNION ALL
  SELECT url FROM unnest(g.push_urls) AS url WHERE g.mode = 'broadcasting' AND g.delivery_type = 'push'
  UNION ALL
  SELECT cm.member FROM consumer_group_members cm
   WHERE g.mode = 'broadcasting' AND g.delivery_type = 'pull' AND cm.consumer_group = g.name
     ${onlyEarlierMembers ? `AND ${message}.commit_seq > cm.start_seq` : ''}
)`;

/**
 * Inserts one delivery per matching group (topic, tag filter, committed after the group's start)
 * and member (see `membersOf`; a pull member gets messages committed after its first receive)
 * for the committed messages `m` of `messages` (a FROM item aliased `m`: the messages table, or
 * a CTE that has just committed them) that match `where`. Returns the new deliveries' id,
 * message_id, consumer_group and available_at.
 */
export const insertDeliveriesSql = (messages: string, where: string) => `
         INSERT INTO deliveries (id, message_id, consumer_group, member, state, sharding_key, commit_seq, available_at)
         SELECT txmsg_delivery_id(m.id, g.name, members.member), m.id, g.name, members.member, 'pending', m.sharding_key, m.commit_seq,
                m.published_at + make_interval(secs => m.delay_ms / 1000.0)
           FROM ${messages}
           JOIN consumer_groups g ON g.topic = m.topic AND m.commit_seq > g.start_seq
                AND (g.filter_tags IS NULL OR m.tag = ANY (g.filter_tags))
           CROSS JOIN LATERAL ${membersOf('m', true)} AS members
          WHERE ${where}
         ON CONFLICT DO NOTHING
         RETURNING id, message_id, consumer_group, available_at`;

const DELAY_MS = `greatest(0, ceil(extract(epoch FROM i.available_at - now()) * 1000))::int`;

/**
 * What to queue for deliveries `i` just inserted (`insertDeliveriesSql`), with their groups `g`:
 * a JSON array of `QueuedDelivery`, an aggregate over `inserted i JOIN consumer_groups g`.
 */
export const QUEUED_DELIVERIES_JSON = `coalesce(json_agg(json_build_object(
         'id', i.id, 'consumerGroup', i.consumer_group, 'deliveryType', g.delivery_type, 'attempt', 1,
         'delayMs', ${DELAY_MS})), '[]')`;
