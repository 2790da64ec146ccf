/**
 * SQL condition (G4): delivery `d` of group `g` may start only if it is the oldest unfinished
 * message of its sharding key for its member and no message of that key is in flight — or the
 * group is unordered, or it has no key. The second half keeps one message per key in flight when
 * an earlier message comes back behind a later one that is running: a dead letter redriven, or
 * a replay, while the key goes on. Each half reads a short range of its own index
 * (`IDX_deliveries_ordered_key` below `d`, `IDX_deliveries_inflight_key`), never the key's backlog.
 */
export const IS_HEAD_OF_KEY = `(NOT g.ordered OR d.sharding_key IS NULL OR (
  NOT EXISTS (
    SELECT 1 FROM deliveries e
     WHERE e.consumer_group = d.consumer_group AND e.member = d.member
       AND e.sharding_key = d.sharding_key AND e.commit_seq < d.commit_seq
       AND e.state IN ('pending', 'inflight', 'retrying'))
  AND NOT EXISTS (
    SELECT 1 FROM deliveries f
     WHERE f.consumer_group = d.consumer_group AND f.member = d.member
       AND f.sharding_key = d.sharding_key AND f.state = 'inflight' AND f.sharding_key IS NOT NULL)))`;
