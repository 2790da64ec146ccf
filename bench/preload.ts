// BENCH_PRELOAD: retained history before the run — committed messages, each delivered and acked
// to one group — so the hot path is measured against full tables rather than empty ones.
import { Client } from 'pg';
import type { Api } from './load';

const CHUNK = 250_000;

export async function preload(url: string, topic: string, group: string, messages: number): Promise<number> {
  const db = new Client({ connectionString: url });
  await db.connect();
  const started = performance.now();
  try {
    for (let done = 0; done < messages; done += CHUNK) {
      const n = Math.min(CHUNK, messages - done);
      await db.query(
        `WITH m AS (
           INSERT INTO messages (id, topic, transaction_id, state, body, key, tag, headers, delay_ms,
                                 created_at, published_at, commit_seq)
           SELECT txmsg_uuid_v7(), $1, NULL, 'COMMITTED', '{"orderId":1,"amount":42,"note":"preload"}',
                  'order-' || (i % 1000), NULL, '{}', 0, now() - interval '1 hour', now() - interval '1 hour',
                  nextval('message_commit_seq')
             FROM generate_series(1, $3::int) AS i
           RETURNING id, commit_seq
         )
         INSERT INTO deliveries (id, message_id, consumer_group, member, state, commit_seq, available_at,
                                 attempts, acked_at)
         SELECT txmsg_delivery_id(m.id, $2, ''), m.id, $2, '', 'acked', m.commit_seq, now() - interval '1 hour', 1,
                now() - interval '1 hour'
           FROM m`,
        [topic, group, n],
      );
    }
    await db.query('ANALYZE messages');
    await db.query('ANALYZE deliveries');
  } finally {
    await db.end();
  }
  return Math.round((performance.now() - started) / 1000);
}

/**
 * Preloads `messages` into a topic and pull group of their own (`preload-<run>`), so the run's
 * messages do not go to the preload group too; returns the seconds it took.
 */
export async function preloadHistory(api: Api, url: string, run: string, messages: number): Promise<number> {
  await api.call('PUT', `/v1/topics/preload-${run}`, {});
  await api.call('PUT', `/v1/consumer-groups/preload-${run}`, {
    topic: `preload-${run}`,
    delivery: { type: 'pull' },
  });
  return preload(url, `preload-${run}`, `preload-${run}`, messages);
}
