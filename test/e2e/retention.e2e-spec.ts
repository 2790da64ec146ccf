import { createGroup, createTopic, producerGroup, send } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { startHttpPeer } from '../support/http-peer';
import { useService } from '../support/service-fixture';

// The shortest settings there are: one-minute windows, kept one minute, looked at every 300 ms.
// A window is reclaimed within about two minutes of its rows being written.
const RECLAIMED_WITHIN_MS = 200_000;

describe('retention by storage window (TXMSG_PARTITION_MINUTES, TXMSG_RETENTION_MINUTES)', () => {
  const service = useService({
    TXMSG_PARTITION_MINUTES: '1',
    TXMSG_RETENTION_MINUTES: '1',
    TXMSG_RETENTION_INTERVAL_MS: '300',
  });

  it(
    'compacts the window: what is resolved goes, what must live on stays usable',
    async () => {
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
        const { name: pullGroup } = await createGroup(service.http, pullTopic, {
          delivery: { type: 'pull' },
        });
        const producer = await producerGroup(service.http);
        const prepare = async (count: number) =>
          (
            await service.http.post('/v1/transactions', {
              producerGroup: producer,
              messages: Array.from({ length: count }, (_, i) => ({ topic: pushTopic, body: i })),
            })
          ).body as { id: string; messageIds: string[] };

        // Everything below goes into one window: start early in a minute.
        if (Date.now() % 60_000 > 30_000)
          await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000)));
        const acked = await send(service.http, pushTopic, { body: 'acked' });
        const deadLetter = await send(service.http, pushTopic, { body: 'poison' });
        const undelivered = await send(service.http, pullTopic, { body: 'waiting' });
        const rolledBack = await prepare(1);
        await service.http.post(`/v1/transactions/${rolledBack.id}/rollback`);
        const stuck = await prepare(1);
        await db.query(`UPDATE transactions SET state = 'STUCK', next_check_at = NULL WHERE id = $1`, [
          stuck.id,
        ]);
        // Bulk, so the window is large enough that compacting it is worth it.
        const bulk: string[] = [];
        for (let i = 0; i < 24; i++) {
          const tx = await prepare(50);
          await service.http.post(`/v1/transactions/${tx.id}/commit`);
          bulk.push(...tx.messageIds);
        }
        await service.http.post(
          `/v1/topics/${pushTopic}/messages`,
          { body: 'idem' },
          { headers: { 'Idempotency-Key': 'old-key' } },
        );
        await db.query(
          `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-key'`,
        );
        const [windowStart] = (
          await db.query(`SELECT tableoid::regclass::text AS p FROM messages WHERE id = ANY ($1)`, [
            [acked, deadLetter, undelivered, stuck.messageIds[0], bulk[bulk.length - 1]],
          ])
        ).rows.map((r) => r.p as string);
        expect(
          (
            await db.query(
              `SELECT DISTINCT tableoid::regclass::text AS p FROM messages WHERE id = ANY ($1)`,
              [[acked, undelivered, stuck.messageIds[0], ...bulk]],
            )
          ).rows,
        ).toEqual([{ p: windowStart }]);

        const present = async (ids: string[]) =>
          (await db.query(`SELECT id FROM messages WHERE id = ANY ($1)`, [ids])).rows.map((r) => r.id).sort();
        await expectEventually(async () => {
          expect(
            await present([acked, deadLetter, undelivered, ...rolledBack.messageIds, ...stuck.messageIds]),
          ).toEqual([undelivered, ...stuck.messageIds].sort());
          expect(await present(bulk)).toEqual([]);
          const transactions = await db.query(`SELECT id FROM transactions WHERE id = ANY ($1)`, [
            [rolledBack.id, stuck.id],
          ]);
          expect(transactions.rows).toEqual([{ id: stuck.id }]);
          const keys = await db.query(`SELECT key FROM idempotency_keys WHERE key = 'old-key'`);
          expect(keys.rows).toEqual([]);
        }, RECLAIMED_WITHIN_MS);
        for (const table of ['deliveries', 'trace_events']) {
          const left = await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE message_id = ANY ($1)`, [
            [acked, deadLetter, ...bulk],
          ]);
          expect({ table, n: left.rows[0].n }).toEqual({ table, n: 0 });
        }
        // A round reports its windows once it has looked at all of them.
        await expectEventually(async () => {
          const windowLogs = service.app.logs.filter((line) => line.includes('storage window'));
          expect(windowLogs.join('\n')).toContain('storage window compacted');
          const metrics = await service.http.get('/metrics');
          expect(metrics.text).toMatch(/txmsg_storage_windows_total\{action="compacted"\} [1-9]/);
        }, 30_000);

        // The kept rows work as before: the undelivered message is received, the stuck
        // transaction is committed and its message delivered.
        const received = await service.http.post(`/v1/consumer-groups/${pullGroup}/receive`, {
          waitSeconds: 0,
        });
        expect(received.body.messages.map((m: { message: { id: string } }) => m.message.id)).toEqual([
          undelivered,
        ]);
        const committed = await service.http.post(`/v1/transactions/${stuck.id}/commit`);
        expect(committed.status).toBe(200);
        await expectEventually(async () => {
          expect(consumer.received.some((r) => r.body?.id === stuck.messageIds[0])).toBe(true);
        });
      } finally {
        await consumer.close();
      }
    },
    RECLAIMED_WITHIN_MS + 60_000,
  );
});
