// The consumer groups' backlog, shared by a group's stats and the admin overview; plain SQL so a
// medium spec can EXPLAIN it on a large database.
/**
 * Delivery stats per group ($1: names, or null for all). Each part reads one partial index
 * (waiting, in flight, dead), so the cost follows the backlog, never the retained history.
 */
export const BACKLOG_SQL = `
   SELECT g.name, g.topic, g.mode, g.delivery_type, w.ready, w.delayed, w.retrying, i.inflight, d.dead,
          extract(epoch FROM now() - w.oldest) AS oldest
     FROM consumer_groups g
     LEFT JOIN (
       SELECT consumer_group,
              count(*) FILTER (WHERE state = 'pending' AND available_at <= now()) AS ready,
              count(*) FILTER (WHERE state = 'pending' AND available_at > now()) AS delayed,
              count(*) FILTER (WHERE state = 'retrying') AS retrying,
              min(available_at) FILTER (WHERE available_at <= now()) AS oldest
         FROM deliveries
        WHERE state IN ('pending', 'retrying') AND ($1::text[] IS NULL OR consumer_group = ANY ($1))
        GROUP BY consumer_group
     ) w ON w.consumer_group = g.name
     LEFT JOIN (
       SELECT consumer_group, count(*) AS inflight FROM deliveries
        WHERE state = 'inflight' AND ($1::text[] IS NULL OR consumer_group = ANY ($1)) GROUP BY consumer_group
     ) i ON i.consumer_group = g.name
     LEFT JOIN (
       SELECT consumer_group, count(*) AS dead FROM deliveries
        WHERE state = 'dead' AND ($1::text[] IS NULL OR consumer_group = ANY ($1)) GROUP BY consumer_group
     ) d ON d.consumer_group = g.name
    WHERE $1::text[] IS NULL OR g.name = ANY ($1)
    ORDER BY g.name`;
