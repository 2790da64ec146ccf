import { createGroup, createTopic, producerGroup, send } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { startHttpPeer } from '../support/http-peer';
import { useService } from '../support/service-fixture';

describe('retention (TXMSG_RETENTION_HOURS)', () => {
  const service = useService({ TXMSG_RETENTION_HOURS: '1', TXMSG_RETENTION_INTERVAL_MS: '300' });

  it('deletes only what is fully resolved and older than the retention', async () => {
    const consumer = await startHttpPeer((request) => ({
      status: request.body.body === 'poison' ? 500 : 200,
    }));
    try {
      const db = service.env.db;
      const pushTopic = await createTopic(service.http);
      const pullTopic = await createTopic(service.http);
      await createGroup(service.http, pushTopic, {
        delivery: { type: 'push', url: consumer.url },
        maxRetries: 0,
      });
      await createGroup(service.http, pullTopic, { delivery: { type: 'pull' } });
      const producer = await producerGroup(service.http);
      const prepare = async () =>
        (
          await service.http.post('/v1/transactions', {
            producerGroup: producer,
            messages: [{ topic: pushTopic, body: 1 }],
          })
        ).body as { id: string; messageIds: string[] };

      const acked = await send(service.http, pushTopic, { body: 'acked' });
      const recent = await send(service.http, pushTopic, { body: 'recent' });
      const deadLongAgo = await send(service.http, pushTopic, { body: 'poison' });
      const deadRecently = await send(service.http, pushTopic, { body: 'poison' });
      const undelivered = await send(service.http, pullTopic, { body: 'waiting' });
      const rolledBack = await prepare();
      await service.http.post(`/v1/transactions/${rolledBack.id}/rollback`);
      const prepared = await prepare();
      const stuck = await prepare();
      await db.query(`UPDATE transactions SET state = 'STUCK', next_check_at = NULL WHERE id = $1`, [
        stuck.id,
      ]);
      await service.http.post(
        `/v1/topics/${pushTopic}/messages`,
        { body: 'idem' },
        { headers: { 'Idempotency-Key': 'old-key' } },
      );
      await service.http.post(
        `/v1/topics/${pushTopic}/messages`,
        { body: 'idem' },
        { headers: { 'Idempotency-Key': 'new-key' } },
      );
      await expectEventually(async () => {
        const states = await db.query(
          `SELECT count(*)::int AS n FROM deliveries WHERE state IN ('acked', 'dead')`,
        );
        expect(states.rows[0].n).toBe(6);
      });

      // Age everything but `recent` past the one-hour retention.
      const old = [
        acked,
        deadLongAgo,
        deadRecently,
        undelivered,
        ...rolledBack.messageIds,
        ...prepared.messageIds,
        ...stuck.messageIds,
      ];
      await db.query(
        `UPDATE messages SET created_at = created_at - interval '2 hours', published_at = published_at - interval '2 hours'
          WHERE id = ANY ($1)`,
        [old],
      );
      await db.query(`UPDATE deliveries SET dead_at = dead_at - interval '2 hours' WHERE message_id = $1`, [
        deadLongAgo,
      ]);
      await db.query(
        `UPDATE transactions SET created_at = created_at - interval '2 hours', resolved_at = resolved_at - interval '2 hours'`,
      );
      await db.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-key'`,
      );
      await db.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '2 hours' WHERE key = 'new-key'`,
      );

      const remaining = async () =>
        (await db.query(`SELECT id FROM messages WHERE id = ANY ($1)`, [[...old, recent]])).rows
          .map((r) => r.id)
          .sort();
      // One retention run deletes messages, then transactions, then idempotency keys: wait for
      // the whole end state, not only its first step.
      await expectEventually(async () => {
        expect(await remaining()).toEqual(
          [recent, deadRecently, undelivered, ...prepared.messageIds, ...stuck.messageIds].sort(),
        );
        const transactions = await db.query(`SELECT id FROM transactions WHERE id = ANY ($1) ORDER BY id`, [
          [rolledBack.id, prepared.id, stuck.id],
        ]);
        expect(transactions.rows.map((r) => r.id)).toEqual([prepared.id, stuck.id].sort());
        const keys = await db.query(`SELECT key FROM idempotency_keys WHERE key IN ('old-key', 'new-key')`);
        expect(keys.rows).toEqual([{ key: 'new-key' }]);
      });
      const gone = [acked, deadLongAgo, ...rolledBack.messageIds];
      expect(
        (await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE message_id = ANY ($1)`, [gone]))
          .rows[0].n,
      ).toBe(0);
      expect(
        (await db.query(`SELECT count(*)::int AS n FROM trace_events WHERE message_id = ANY ($1)`, [gone]))
          .rows[0].n,
      ).toBe(0);
      // The undelivered message can still be received.
      const pullGroup = (
        await db.query(`SELECT consumer_group FROM deliveries WHERE message_id = $1`, [undelivered])
      ).rows[0].consumer_group;
      const received = await service.http.post(`/v1/consumer-groups/${pullGroup}/receive`, {
        waitSeconds: 0,
      });
      expect(received.body.messages.map((m: { message: { id: string } }) => m.message.id)).toEqual([
        undelivered,
      ]);
    } finally {
      await consumer.close();
    }
  });
});
