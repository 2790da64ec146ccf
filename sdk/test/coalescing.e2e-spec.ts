// The client coalesces concurrent prepares and verdicts into the batch endpoints (SPEC §5) while
// one request of their kind is in flight; a lone call goes as its single call; every caller gets
// its own result or its own error. Against a running txmsg, counting the requests that go out.
import { randomBytes } from 'node:crypto';
import { useService } from '../../test/support/service-fixture';
import { TxmsgClient, TxmsgError, type TxmsgOptions } from './sdk-under-test';

describe('@txmsg/client coalescing', () => {
  const service = useService();
  let topic: string;
  let producerGroup: string;

  /** A client whose requests are counted by path. */
  function countingClient(options: Partial<TxmsgOptions> = {}) {
    const paths: string[] = [];
    const client = new TxmsgClient({
      url: service.app.url,
      token: service.env.adminToken,
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        const request = input instanceof Request ? input : new Request(input, init);
        paths.push(new URL(request.url).pathname);
        return fetch(request);
      },
      ...options,
    });
    return { client, paths };
  }
  const prepareInput = (group = producerGroup) => ({
    producerGroup: group,
    messages: [{ topic, body: { n: 1 } }],
  });

  beforeAll(async () => {
    const admin = new TxmsgClient({ url: service.app.url, token: service.env.adminToken });
    topic = `co-${randomBytes(3).toString('hex')}`;
    producerGroup = `co-svc-${randomBytes(3).toString('hex')}`;
    await admin.putTopic(topic);
    await admin.putProducerGroup(producerGroup, {
      checkbackUrl: 'http://127.0.0.1:9/',
      checkImmunitySeconds: 3600,
    });
  });

  it('sends concurrent prepares and commits together, fewer requests than calls, each caller its own result', async () => {
    const { client, paths } = countingClient();
    const prepared = await Promise.all(Array.from({ length: 60 }, () => client.prepare(prepareInput())));
    expect(new Set(prepared.map((t) => t.id)).size).toBe(60);
    expect(prepared.every((t) => t.state === 'PREPARED')).toBe(true);
    expect(paths.filter((p) => p === '/v1/transactions/batch').length).toBeGreaterThan(0);
    expect(paths.length).toBeLessThan(60);

    paths.length = 0;
    const committed = await Promise.all(prepared.map((t) => client.commit(t.id)));
    expect(committed.map((t) => [t.id, t.state])).toEqual(prepared.map((t) => [t.id, 'COMMITTED']));
    expect(paths.filter((p) => p === '/v1/transactions/verdicts').length).toBeGreaterThan(0);
    expect(paths.length).toBeLessThan(60);
    const { rows } = await service.env.db.query(
      `SELECT count(*)::int AS n FROM messages WHERE transaction_id = ANY ($1) AND state = 'COMMITTED'`,
      [prepared.map((t) => t.id)],
    );
    expect(rows[0].n).toBe(60);
  });

  it('sends a lone call as its single call', async () => {
    const { client, paths } = countingClient();
    const tx = await client.prepare(prepareInput());
    await client.rollback(tx.id);
    expect(paths).toEqual(['/v1/transactions', `/v1/transactions/${tx.id}/rollback`]);
  });

  it("gives an entry's error to its caller alone", async () => {
    const { client } = countingClient();
    const outcomes = await Promise.allSettled([
      client.prepare(prepareInput()),
      client.prepare(prepareInput('no-such-group')),
      client.prepare(prepareInput()),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refused = (outcomes[1] as PromiseRejectedResult).reason as TxmsgError;
    expect(refused).toBeInstanceOf(TxmsgError);
    expect([refused.status, refused.code]).toEqual([404, 'not_found']);

    const [a, , b] = outcomes.map((o) => (o.status === 'fulfilled' ? o.value.id : ''));
    await client.commit(a);
    const verdicts = await Promise.allSettled([
      client.rollback(a),
      client.commit(b),
      client.commit('01900000-0000-7000-8000-000000000000'),
    ]);
    expect(
      verdicts.map((v) => (v.status === 'fulfilled' ? v.value.state : (v.reason as TxmsgError).code)),
    ).toEqual(['conflict', 'COMMITTED', 'not_found']);
  });

  it('sends every call alone with coalesce: false', async () => {
    const { client, paths } = countingClient({ coalesce: false });
    await Promise.all(Array.from({ length: 5 }, () => client.prepare(prepareInput())));
    expect(paths).toEqual(Array.from({ length: 5 }, () => '/v1/transactions'));
  });
});
