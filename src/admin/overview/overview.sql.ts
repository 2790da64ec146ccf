/**
 * The overview's SQL. Each statement reads an index whose size follows what is open or recent
 * (PREPARED/STUCK transactions, checks of the last hour, dead letters, per-minute samples),
 * never the retained history, so the overview stays fast with millions of messages kept. Plain
 * strings, so a medium spec can EXPLAIN each one on a large database.
 */
export const OVERVIEW_SQL = {
  openTransactions: `
    SELECT producer_group, state, count(*)::int AS n, min(created_at) AS oldest
      FROM transactions WHERE state IN ('PREPARED', 'STUCK')
     GROUP BY producer_group, state`,
  producerGroupHealth: `
    SELECT g.name, coalesce(h.checks, 0)::int AS checks, coalesce(h.failed, 0)::int AS failed,
           e.at AS error_at, e.error, e.http_status
      FROM producer_groups g
      LEFT JOIN (
        SELECT producer_group, count(*) AS checks, count(*) FILTER (WHERE outcome = 'ERROR') AS failed
          FROM check_attempts WHERE at > now() - interval '1 hour' GROUP BY producer_group
      ) h ON h.producer_group = g.name
      LEFT JOIN LATERAL (
        SELECT c.at, c.error, c.http_status FROM check_attempts c
         WHERE c.producer_group = g.name AND c.outcome = 'ERROR' AND c.at > now() - interval '24 hours'
         ORDER BY c.at DESC LIMIT 1
      ) e ON true
     ORDER BY g.name`,
  /** The last sample before the window, the window's samples, then the live values. */
  activitySamples: `
    (SELECT minute, commit_seq, acked_total FROM activity_samples WHERE minute < $1 ORDER BY minute DESC LIMIT 1)
    UNION ALL
    (SELECT minute, commit_seq, acked_total FROM activity_samples WHERE minute >= $1)
    UNION ALL
    (SELECT NULL, coalesce(pg_sequence_last_value('message_commit_seq'), 0),
            coalesce((SELECT sum(acked_total) FROM consumer_groups), 0))`,
  checksFailedPerMinute: `
    SELECT date_trunc('minute', at) AS minute, count(*)::int AS n FROM check_attempts
     WHERE at >= $1 AND outcome = 'ERROR' GROUP BY 1`,
  deadLetteredPerMinute: `
    SELECT date_trunc('minute', dead_at) AS minute, count(*)::int AS n FROM deliveries
     WHERE state = 'dead' AND dead_at >= $1 GROUP BY 1`,
} as const;
