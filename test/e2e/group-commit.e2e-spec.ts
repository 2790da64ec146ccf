// Group commit (issue 12): concurrent requests share a database transaction, yet each is answered
// on its own merits, none before its batch is durable, and cached config follows changes made on
// another instance.
import { Client, Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { startApp, type AppProcess } from '../support/app-process';
import { useCrashablePostgres } from '../support/crashable-postgres';
import { createGroup, createTopic, producerGroup, send } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { HttpClient, type HttpResult } from '../support/http-client';
import { useService } from '../support/service-fixture';
import { readMetrics } from '../support/metrics';
import type { Seen } from '../support/delivery-history';
import { expectSettledHistoryHolds } from '../support/history-facts';
import { RecordingPullClient } from '../support/recording-consumer';

const statusCounts = (results: HttpResult[]) =>
  results.reduce<Record<number, number>>(
    (counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }),
    {},
  );

/** Receives and acks until `count` messages were acked. */
async function drain(consumer: RecordingPullClient, count: number, http: HttpClient): Promise<void> {
  for (let acked = 0; acked < count;) {
    const { ack } = await consumer.receiveAndAck(http, { maxMessages: 100 });
    acked += ack?.body.acked ?? 0;
  }
}

describe('group commit: mixed batches', () => {
  const service = useService();
  let topic: string;
  let group: string;

  beforeAll(async () => {
    topic = await createTopic(service.http);
    group = await producerGroup(service.http);
    await createGroup(service.http, topic, { delivery: { type: 'pull' } });
  });

  const prepare = (
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
    http = service.http,
  ) =>
    http.post(
      '/v1/transactions',
      { producerGroup: group, messages: [{ topic, body: { n: 1 } }], ...body },
      { headers },
    );
  const transactionCount = async () =>
    (
      await service.env.db.query(`SELECT count(*)::int AS n FROM transactions WHERE producer_group = $1`, [
        group,
      ])
    ).rows[0].n as number;

  it('answers each concurrent prepare on its own: the failures fail alone, the rest are stored', async () => {
    const otherGroup = await producerGroup(service.http);
    const restricted = service.http.withToken(
      (
        await service.http.post('/v1/admin/api-keys', {
          name: `restricted-${randomUUID()}`,
          role: 'producer',
          producerGroups: [group],
          topics: [topic],
        })
      ).body.token,
    );
    const before = await transactionCount();
    const same = `same-${randomUUID()}`;
    const clash = `clash-${randomUUID()}`;
    const [good, unknownTopic, forbidden, repeated, clashing] = await Promise.all([
      Promise.all(Array.from({ length: 40 }, () => prepare({}))),
      Promise.all(
        Array.from({ length: 10 }, () =>
          prepare({ messages: [{ topic: `no-such-${randomUUID()}`, body: 1 }] }),
        ),
      ),
      Promise.all(Array.from({ length: 5 }, () => prepare({ producerGroup: otherGroup }, {}, restricted))),
      Promise.all([prepare({}, { 'idempotency-key': same }), prepare({}, { 'idempotency-key': same })]),
      Promise.all([
        prepare({ messages: [{ topic, body: 'a' }] }, { 'idempotency-key': clash }),
        prepare({ messages: [{ topic, body: 'b' }] }, { 'idempotency-key': clash }),
      ]),
    ]);

    expect(statusCounts(good)).toEqual({ 201: 40 });
    expect(statusCounts(unknownTopic)).toEqual({ 404: 10 });
    expect(statusCounts(forbidden)).toEqual({ 403: 5 });
    expect(statusCounts(repeated)).toEqual({ 200: 1, 201: 1 });
    expect(repeated[0].body.id).toBe(repeated[1].body.id);
    expect(statusCounts(clashing)).toEqual({ 201: 1, 422: 1 });
    expect(clashing.find((r) => r.status === 422)?.body.error).toBe('idempotency_key_reused');

    expect(await transactionCount()).toBe(before + 40 + 1 + 1);
    const ids = [...good, repeated[0], clashing.find((r) => r.status === 201) as HttpResult].map(
      (r) => r.body.id,
    );
    const stored = await service.env.db.query(
      `SELECT t.id, count(m.id)::int AS messages FROM transactions t JOIN messages m ON m.transaction_id = t.id
        WHERE t.id = ANY ($1) AND t.state = 'PREPARED' AND m.state = 'PREPARED' GROUP BY t.id`,
      [ids],
    );
    expect(stored.rows).toHaveLength(42);
    expect(stored.rows.every((row) => row.messages === 1)).toBe(true);
  });

  it('applies concurrent verdicts each on its own: opposite verdicts conflict, repeats agree', async () => {
    const prepared = await Promise.all(Array.from({ length: 45 }, () => prepare({})));
    const ids = prepared.map((r) => r.body.id as string);
    const tokenFor = async (producerGroups: string[]) =>
      service.http.withToken(
        (
          await service.http.post('/v1/admin/api-keys', {
            name: `verdicts-${randomUUID()}`,
            role: 'producer',
            producerGroups,
            topics: [topic],
          })
        ).body.token,
      );
    const [otherGroupOnly, everyGroup] = [
      await tokenFor([await producerGroup(service.http)]),
      await tokenFor(['*']),
    ];
    const verdict = (id: string, v: 'commit' | 'rollback', http = service.http) =>
      http.post(`/v1/transactions/${id}/${v}`);
    const [commits, rollbacks, opposite, twice, unknown, ungranted, wildcard] = await Promise.all([
      Promise.all(ids.slice(0, 20).map((id) => verdict(id, 'commit'))),
      Promise.all(ids.slice(20, 30).map((id) => verdict(id, 'rollback'))),
      Promise.all(
        ids.slice(30, 35).map((id) => Promise.all([verdict(id, 'commit'), verdict(id, 'rollback')])),
      ),
      Promise.all(ids.slice(35, 40).map((id) => Promise.all([verdict(id, 'commit'), verdict(id, 'commit')]))),
      Promise.all(Array.from({ length: 3 }, () => verdict(randomUUID(), 'commit'))),
      Promise.all(ids.slice(40, 43).map((id) => verdict(id, 'commit', otherGroupOnly))),
      Promise.all(ids.slice(43, 45).map((id) => verdict(id, 'commit', everyGroup))),
    ]);

    expect(statusCounts(commits)).toEqual({ 200: 20 });
    expect(
      commits.every(
        (r, i) => r.body.state === 'COMMITTED' && r.body.messageIds.length === 1 && r.body.id === ids[i],
      ),
    ).toBe(true);
    expect(statusCounts(rollbacks)).toEqual({ 200: 10 });
    expect(statusCounts(unknown)).toEqual({ 404: 3 });
    expect(statusCounts(ungranted)).toEqual({ 403: 3 });
    expect(ungranted.every((r) => r.body.error === 'forbidden')).toBe(true);
    expect(statusCounts(wildcard)).toEqual({ 200: 2 });
    for (const pair of twice) {
      expect(pair.map((r) => [r.status, r.body.state])).toEqual([
        [200, 'COMMITTED'],
        [200, 'COMMITTED'],
      ]);
    }
    const winners = new Map<string, string>();
    opposite.forEach((pair, i) => {
      expect(statusCounts(pair)).toEqual({ 200: 1, 409: 1 });
      winners.set(ids[30 + i], (pair.find((r) => r.status === 200) as HttpResult).body.state);
    });

    const rows = await service.env.db.query(
      `SELECT t.id, t.state, m.state AS message_state, m.commit_seq IS NOT NULL AS sequenced,
              (SELECT count(*)::int FROM deliveries d WHERE d.message_id = m.id) AS deliveries
         FROM transactions t JOIN messages m ON m.transaction_id = t.id WHERE t.id = ANY ($1)`,
      [ids],
    );
    const byId = new Map(rows.rows.map((row) => [row.id, row]));
    const expected = (id: string, i: number) =>
      i >= 40 && i < 43
        ? 'PREPARED'
        : i < 20 || i >= 35
          ? 'COMMITTED'
          : i < 30
            ? 'ROLLED_BACK'
            : (winners.get(id) as string);
    ids.forEach((id, i) => {
      const state = expected(id, i);
      const committed = state === 'COMMITTED';
      expect(byId.get(id)).toEqual({
        id,
        state,
        message_state: state,
        sequenced: committed,
        deliveries: committed ? 1 : 0,
      });
    });
  });

  it('commits concurrent plain sends together, refusing only the one with an unknown topic', async () => {
    const consumer = await createGroup(service.http, topic, { delivery: { type: 'pull' } });
    const sends = await Promise.all([
      ...Array.from({ length: 30 }, (_, n) =>
        service.http.post(`/v1/topics/${topic}/messages`, { body: { n } }),
      ),
      service.http.post(`/v1/topics/no-such-${randomUUID()}/messages`, { body: 1 }),
    ]);
    expect(statusCounts(sends)).toEqual({ 201: 30, 404: 1 });
    const ids = sends.slice(0, 30).map((r) => r.body.id);
    const rows = await service.env.db.query(
      `SELECT count(DISTINCT m.id)::int AS n FROM messages m JOIN deliveries d ON d.message_id = m.id
        WHERE m.id = ANY ($1) AND m.state = 'COMMITTED' AND m.commit_seq IS NOT NULL`,
      [ids],
    );
    expect(rows.rows[0].n).toBe(30);
    // Each of the 30 reaches the consumer, once; nothing else does.
    const history: Seen[] = [];
    await drain(new RecordingPullClient(history, consumer.name), 30, service.http);
    await expectSettledHistoryHolds(service.env.db, history, [{ name: consumer.name, ordered: false }], ids);
  });
  it('acks concurrent ack requests together, answering each with its own receipts', async () => {
    const ackTopic = await createTopic(service.http);
    const [a, b] = await Promise.all([
      createGroup(service.http, ackTopic, { delivery: { type: 'pull' } }).then((g) => g.name),
      createGroup(service.http, ackTopic, { delivery: { type: 'pull' } }).then((g) => g.name),
    ]);
    const ids = await Promise.all(
      Array.from({ length: 40 }, (_, n) => send(service.http, ackTopic, { body: { n } })),
    );
    const history: Seen[] = [];
    const consumers = new Map([a, b].map((name) => [name, new RecordingPullClient(history, name)]));
    const receiveAll = async (name: string): Promise<string[]> => {
      const handles: string[] = [];
      while (handles.length < 40) {
        const received = await consumers.get(name)?.receive(service.http, { maxMessages: 100 });
        handles.push(...(received ?? []).map((m) => m.receiptHandle));
      }
      return handles;
    };
    const [ra, rb] = [await receiveAll(a), await receiveAll(b)];
    const ack = async (name: string, receiptHandles: string[]) => {
      const acked = await consumers.get(name)?.ack(service.http, receiptHandles);
      expect(acked?.status).toBe(200);
      return acked?.body as { acked: number; expired: string[] };
    };
    const stale = ra[39];
    expect(await ack(a, [stale])).toEqual({ acked: 1, expired: [] });

    const batchesBefore = await ackBatches();
    const [singles, twice, mixed, wrongGroup, notHandles] = await Promise.all([
      Promise.all(ra.slice(0, 30).map((handle) => ack(a, [handle]))),
      Promise.all([ack(a, [ra[30]]), ack(a, [ra[30]])]),
      ack(a, [ra[31], stale, ra[31]]),
      ack(a, [rb[0]]),
      Promise.all(Array.from({ length: 5 }, (_, i) => ack(b, [`rh_${i}`, rb[1 + i]]))),
    ]);
    const batches = await ackBatches();

    expect(singles).toEqual(Array.from({ length: 30 }, () => ({ acked: 1, expired: [] })));
    expect(twice.map((r) => r.acked).sort()).toEqual([0, 1]);
    expect(twice.find((r) => r.acked === 0)?.expired).toEqual([ra[30]]);
    expect(mixed).toEqual({ acked: 1, expired: [stale] });
    expect(wrongGroup).toEqual({ acked: 0, expired: [rb[0]] });
    expect(notHandles).toEqual(Array.from({ length: 5 }, (_, i) => ({ acked: 1, expired: [`rh_${i}`] })));
    // every request went through the writer, and some shared a statement
    expect(batches.sum - batchesBefore.sum).toBe(30 + 2 + 1 + 1 + 5);
    expect(batches.count - batchesBefore.count).toBeLessThan(30 + 2 + 1 + 1 + 5);

    const { rows } = await service.env.db.query(
      `SELECT d.consumer_group, d.state, count(*)::int AS n,
              sum((SELECT count(*) FROM delivery_attempts x WHERE x.delivery_id = d.id AND x.outcome = 'acked'))::int AS attempts,
              (SELECT acked_total FROM consumer_groups g WHERE g.name = d.consumer_group)::int AS acked_total
         FROM deliveries d WHERE d.consumer_group = ANY ($1) GROUP BY 1, 2 ORDER BY 1, 2`,
      [[a, b]],
    );
    expect(rows).toEqual([
      { consumer_group: a, state: 'acked', n: 33, attempts: 33, acked_total: 33 },
      { consumer_group: a, state: 'inflight', n: 7, attempts: 0, acked_total: 33 },
      { consumer_group: b, state: 'acked', n: 5, attempts: 5, acked_total: 5 },
      { consumer_group: b, state: 'inflight', n: 35, attempts: 0, acked_total: 5 },
    ]);

    // The rest acked too, the whole history holds: no receipt acked twice made a redelivery.
    await ack(a, ra.slice(32, 39));
    await ack(b, [rb[0], ...rb.slice(6)]);
    const groups = [a, b].map((name) => ({ name, ordered: false }));
    await expectSettledHistoryHolds(service.env.db, history, groups, ids);
  });

  /** The ack writer's batches so far: how many, and how many requests they wrote. */
  async function ackBatches(): Promise<{ count: number; sum: number }> {
    const sample = await readMetrics(service.http);
    return {
      count: sample('txmsg_group_commit_batch_size_count{writer="ack"}'),
      sum: sample('txmsg_group_commit_batch_size_sum{writer="ack"}'),
    };
  }
});

describe('group commit: nothing is answered 2xx before it is durable (Postgres killed mid-batch)', () => {
  const crashable = useCrashablePostgres('txmsg_group_commit');

  it('stores every transaction it answered 201 and commits every one it answered 200', async () => {
    const { http, databaseUrl } = crashable;
    const topic = await createTopic(http);
    const group = await producerGroup(http);
    const consumer = await createGroup(http, topic, { delivery: { type: 'pull' } });
    const prepared: string[] = [];
    const committed: string[] = [];
    const published: string[] = [];
    let failures = 0;
    const until = Date.now() + 5000;
    const producer = async () => {
      while (Date.now() < until) {
        const tx = await http.post('/v1/transactions', {
          producerGroup: group,
          messages: [{ topic, body: 1 }],
        });
        if (tx.status !== 201) {
          failures++;
          continue;
        }
        prepared.push(tx.body.id);
        const commit = await http.post(`/v1/transactions/${tx.body.id}/commit`);
        if (commit.status === 200) {
          committed.push(tx.body.id);
          published.push(...tx.body.messageIds);
        } else failures++;
      }
    };
    // Batch producers (SPEC §5): each entry is acknowledged on its own, so each 201 and 200 entry counts.
    let batchEntryFailures = 0;
    const batchProducer = async () => {
      while (Date.now() < until) {
        const batch = await http.post('/v1/transactions/batch', {
          transactions: Array.from({ length: 5 }, () => ({
            producerGroup: group,
            messages: [{ topic, body: 2 }],
          })),
        });
        if (batch.status !== 200) {
          failures++;
          continue;
        }
        const ok = (batch.body.results as { status: number; transaction?: any }[]).filter(
          (r) => r.status === 201,
        );
        batchEntryFailures += 5 - ok.length;
        prepared.push(...ok.map((r) => r.transaction.id));
        const verdicts = await http.post('/v1/transactions/verdicts', {
          verdicts: ok.map((r) => ({ id: r.transaction.id, verdict: 'COMMIT' })),
        });
        if (ok.length === 0 || verdicts.status !== 200) continue;
        (verdicts.body.results as { status: number }[]).forEach((result, i) => {
          if (result.status !== 200) return;
          committed.push(ok[i].transaction.id);
          published.push(...ok[i].transaction.messageIds);
        });
      }
    };
    const kill = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await crashable.crash('kill');
    })();
    await Promise.all([
      ...Array.from({ length: 12 }, producer),
      ...Array.from({ length: 4 }, batchProducer),
      kill,
    ]);
    expect(batchEntryFailures + failures).toBeGreaterThan(0);

    expect(failures).toBeGreaterThan(0); // the kill did land among requests in flight
    expect(committed.length).toBeGreaterThan(0);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const rows = await db.query(
        `SELECT t.id, t.state, bool_and(m.state = t.state) AS messages_agree,
                count(d.id)::int AS deliveries
           FROM transactions t JOIN messages m ON m.transaction_id = t.id
           LEFT JOIN deliveries d ON d.message_id = m.id
          WHERE t.id = ANY ($1) GROUP BY t.id`,
        [prepared],
      );
      const byId = new Map(rows.rows.map((row) => [row.id, row]));
      expect(prepared.filter((id) => !byId.has(id))).toEqual([]);
      for (const id of committed) {
        expect(byId.get(id)).toMatchObject({ state: 'COMMITTED', messages_agree: true, deliveries: 1 });
      }
    } finally {
      await db.end();
    }

    // Every message answered 200 reaches the consumer; nothing of a transaction left open does.
    const history: Seen[] = [];
    const puller = new RecordingPullClient(history, consumer.name);
    const pool = new Pool({ connectionString: databaseUrl, max: 2 });
    try {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM deliveries WHERE consumer_group = $1`,
        [consumer.name],
      );
      await drain(puller, rows[0].n, http);
      await expectSettledHistoryHolds(pool, history, [{ name: consumer.name, ordered: false }], published);
    } finally {
      await pool.end();
    }
  }, 60_000);
});

describe('group commit: cached config follows a change made on another instance', () => {
  // A cache that would keep entries for ten minutes: only the change notification can explain
  // another instance honouring a change at once.
  const service = useService({ TXMSG_CONFIG_CACHE_TTL_MS: '600000' });
  let other: AppProcess;
  let b: HttpClient;

  beforeAll(async () => {
    other = await startApp(service.env, { TXMSG_CONFIG_CACHE_TTL_MS: '600000' });
    b = new HttpClient(other.url, service.env.adminToken);
  });
  afterAll(() => other?.stop());

  /** The documented bound when Redis is up: the change is announced as soon as it commits. */
  const WITHIN_MS = 2000;

  it('honours a consumer group turned from pull to push', async () => {
    const topic = await createTopic(service.http);
    const group = await createGroup(service.http, topic, { delivery: { type: 'pull' } });
    const receive = () => b.post(`/v1/consumer-groups/${group.name}/receive`, { waitSeconds: 0 });
    expect((await receive()).status).toBe(200); // instance B has it cached as a pull group
    const changed = await service.http.put(`/v1/consumer-groups/${group.name}`, {
      topic,
      delivery: { type: 'push', url: 'http://127.0.0.1:9/push' },
    });
    expect(changed.status).toBe(200);
    await expectEventually(async () => expect((await receive()).status).toBe(409), WITHIN_MS);
  });

  it('honours a producer group’s new check immunity', async () => {
    const topic = await createTopic(service.http);
    const group = await producerGroup(service.http);
    const prepareOnB = async () =>
      (await b.post('/v1/transactions', { producerGroup: group, messages: [{ topic, body: 1 }] })).body;
    const immunity = (tx: { createdAt: string; nextCheckAt: string }) =>
      (Date.parse(tx.nextCheckAt) - Date.parse(tx.createdAt)) / 1000;
    expect(immunity(await prepareOnB())).toBeCloseTo(3600, 0);
    expect(
      (
        await service.http.put(`/v1/producer-groups/${group}`, {
          checkbackUrl: 'http://127.0.0.1:9/none',
          checkImmunitySeconds: 120,
        })
      ).status,
    ).toBe(200);
    await expectEventually(async () => expect(immunity(await prepareOnB())).toBeCloseTo(120, 0), WITHIN_MS);
  });

  it('honours a deleted topic', async () => {
    const topic = await createTopic(service.http);
    const sendOnB = () => b.post(`/v1/topics/${topic}/messages`, { body: 1 });
    expect((await sendOnB()).status).toBe(201);
    expect((await service.http.delete(`/v1/topics/${topic}`)).status).toBe(204);
    await expectEventually(async () => expect((await sendOnB()).status).toBe(404), WITHIN_MS);
  });
});
