import { createGroup, createTopic, send } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { expectError } from '../support/http-client';
import { startHttpPeer } from '../support/http-peer';
import { useService } from '../support/service-fixture';

describe('replay (SPEC §7)', () => {
  const service = useService();

  it('delivers acked messages committed since `from` again, from attempt 1, and traces it', async () => {
    const consumer = await startHttpPeer();
    try {
      const topic = await createTopic(service.http);
      const group = await createGroup(service.http, topic, { delivery: { type: 'push', url: consumer.url } });
      const first = await send(service.http, topic, { body: 1 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const from = new Date().toISOString();
      const second = await send(service.http, topic, { body: 2 });
      const third = await send(service.http, topic, { body: 3 });
      await expectEventually(async () => expect(consumer.received).toHaveLength(3));

      const replayed = await service.http.post(`/v1/consumer-groups/${group.name}/replay`, { from });
      expect(replayed.status).toBe(200);
      expect(replayed.body).toEqual({ replayed: 2 });
      await expectEventually(async () => expect(consumer.received).toHaveLength(5));
      expect(
        consumer.received
          .slice(3)
          .map((r) => r.body.id)
          .sort(),
      ).toEqual([second, third].sort()); // unordered group
      expect(consumer.received.slice(3).map((r) => r.headers['txmsg-attempt'])).toEqual(['1', '1']);
      expect(consumer.received.filter((r) => r.body.id === first)).toHaveLength(1);

      await expectEventually(async () => {
        const trace = (await service.http.get(`/v1/messages/${second}`)).body.trace;
        expect(trace.map((e: { type: string }) => e.type)).toEqual([
          'committed',
          'delivery_attempt',
          'acked',
          'replayed',
          'delivery_attempt',
          'acked',
        ]);
      });
    } finally {
      await consumer.close();
    }
  });

  it('backfills a new group with retained messages committed before it existed', async () => {
    const topic = await createTopic(service.http);
    const old = await send(service.http, topic, { body: 'old', tag: 'keep' });
    await send(service.http, topic, { body: 'filtered', tag: 'drop' });
    const group = await createGroup(service.http, topic, {
      delivery: { type: 'pull' },
      filter: { tags: ['keep'] },
    });
    const receive = async () =>
      (await service.http.post(`/v1/consumer-groups/${group.name}/receive`, { waitSeconds: 0 })).body
        .messages;
    expect(await receive()).toEqual([]);

    const replayed = await service.http.post(`/v1/consumer-groups/${group.name}/replay`, {
      from: new Date(Date.now() - 3600_000).toISOString(),
    });
    expect(replayed.body).toEqual({ replayed: 1 });
    expect((await receive()).map((m: { message: { id: string } }) => m.message.id)).toEqual([old]);
  });

  it('replays nothing from a future time and rejects bad input', async () => {
    const topic = await createTopic(service.http);
    const group = await createGroup(service.http, topic, { delivery: { type: 'pull' } });
    await send(service.http, topic, { body: 1 });
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(
      (await service.http.post(`/v1/consumer-groups/${group.name}/replay`, { from: future })).body,
    ).toEqual({
      replayed: 0,
    });
    expectError(
      await service.http.post(`/v1/consumer-groups/${group.name}/replay`, {}),
      400,
      'validation_failed',
    );
    expectError(
      await service.http.post(`/v1/consumer-groups/${group.name}/replay`, { from: 'last tuesday' }),
      400,
      'validation_failed',
    );
    expectError(
      await service.http.post('/v1/consumer-groups/nope/replay', { from: future }),
      404,
      'not_found',
    );
  });
});
