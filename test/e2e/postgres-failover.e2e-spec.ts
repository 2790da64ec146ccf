// Postgres failover on Patroni (SPEC §2, G1–G3): two txmsg instances on the multi-host URL
// (`…@pg1,pg2/db?target_session_attrs=read-write`) under load from producers and push and pull
// consumers, while the leader's machine is lost (its Patroni and its postmaster SIGKILLed) and
// Patroni promotes the synchronous standby. Every 5xx must be 503, every acknowledged prepare and
// commit must survive, the history must hold, and the first commit after the kill (the RTO) must
// come within 30 s. Then the old primary comes back as it was — writable, on its old timeline —
// and no instance may write to it. Needs Debian's patroni, etcd-server and postgresql (.ci/run
// installs them).
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { Client, Pool } from 'pg';
import { appEnv, startProcess, type AppProcess } from '../support/app-process';
import { createGroup, createTopic, producerGroup } from '../support/delivery-fixture';
import type { Seen } from '../support/delivery-history';
import { expectSettledHistoryHolds } from '../support/history-facts';
import { HttpClient, type HttpResult } from '../support/http-client';
import {
  createDatabaseOnLeader,
  haBinaries,
  startPatroniCluster,
  type PatroniCluster,
  type PatroniNode,
} from '../support/patroni-cluster';
import {
  RecordingPullClient,
  startRecordingPushConsumer,
  type RecordingPushConsumer,
} from '../support/recording-consumer';
import { createTestEnv, type TestEnv } from '../support/test-env';

const DATABASE = 'txmsg_ha';
const RTO_LIMIT_MS = 30_000;

/** Debian's HA packages, installed with apt when missing and allowed (root), as .ci/run does. */
function requireHaBinaries(): { binDir: string } {
  let found = haBinaries();
  if (!found && userInfo().uid === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['install', '-y', '-qq', 'patroni', 'etcd-server', 'postgresql'], {
      env,
      stdio: 'ignore',
    });
    found = haBinaries();
  }
  if (!found)
    throw new Error(
      'patroni, etcd and postgresql are needed: apt-get install -y patroni etcd-server postgresql',
    );
  return found;
}

describe('Postgres failover with Patroni: the leader lost under load', () => {
  let cluster: PatroniCluster;
  let env: TestEnv;
  let consumer: RecordingPushConsumer;
  const instances: AppProcess[] = [];
  let vars: Record<string, string>;
  let lost: PatroniNode;
  let promoted: PatroniNode;

  beforeAll(async () => {
    cluster = await startPatroniCluster(requireHaBinaries().binDir);
    await createDatabaseOnLeader(cluster, DATABASE);
    env = await createTestEnv(); // Redis and a key prefix of its own
    vars = appEnv(env, {
      DATABASE_URL: cluster.url(DATABASE),
      TXMSG_RECONCILE_INTERVAL_MS: '1000',
      TXMSG_DB_CONNECT_TIMEOUT_MS: '2000',
    });
    instances.push(await startProcess(vars), await startProcess(vars));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(instances.map((app) => app.stop('SIGKILL')));
    await consumer?.close();
    await cluster?.stop();
    await env?.close();
  });

  it('loses nothing acknowledged, answers only 503 meanwhile, and commits again within 30 s', async () => {
    const history: Seen[] = [];
    consumer = await startRecordingPushConsumer(history, () => ({ status: 200 }));
    const http = (i: number) => new HttpClient(instances[i % 2].url, env.adminToken);
    const topic = await createTopic(http(0));
    const producer = await producerGroup(http(0));
    const push = await createGroup(http(0), topic, {
      delivery: { type: 'push', url: consumer.url, timeoutMs: 2000 },
    });
    const pull = await createGroup(http(0), topic, { delivery: { type: 'pull' } });
    const puller = new RecordingPullClient(history, pull.name);
    lost = (await cluster.leader()) as PatroniNode;
    promoted = cluster.nodes.find((n) => n !== lost) as PatroniNode;

    const published: string[] = [];
    const serverErrors: number[] = [];
    let killedAt = 0;
    let recoveredAt = 0;
    let stopAt = Date.now() + 60_000;
    const note = (result: HttpResult | null) => {
      if (result && result.status >= 500) serverErrors.push(result.status);
      return result;
    };
    const producing = async (worker: number) => {
      for (let n = 0; Date.now() < stopAt; n++) {
        const startedAt = Date.now();
        const tx = note(
          await http(worker + n)
            .post('/v1/transactions', { producerGroup: producer, messages: [{ topic, body: { worker, n } }] })
            .catch(() => null),
        );
        if (tx?.status !== 201) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        const commit = note(
          await http(worker + n + 1)
            .post(`/v1/transactions/${tx.body.id}/commit`)
            .catch(() => null),
        );
        if (commit?.status === 200) {
          published.push(...(tx.body.messageIds as string[]));
          if (killedAt > 0 && startedAt > killedAt && recoveredAt === 0) {
            recoveredAt = Date.now();
            stopAt = Math.min(stopAt, recoveredAt + 3000);
          }
        }
      }
    };
    const pulling = async () => {
      while (Date.now() < stopAt) {
        const { received } = await puller.receiveAndAck(
          http(0),
          { waitSeconds: 1, invisibleSeconds: 5 },
          http(1),
        );
        if (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const killing = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      killedAt = Date.now();
      cluster.killNode(lost);
    })();
    await Promise.all([producing(0), producing(1), producing(2), producing(3), pulling(), killing]);

    const rto = recoveredAt - killedAt;
    process.stdout.write(
      `patroni failover: RTO ${(rto / 1000).toFixed(1)} s, ${published.length} messages committed, ${serverErrors.length} answers 503\n`,
    );
    expect(recoveredAt).toBeGreaterThan(0);
    expect(rto).toBeLessThan(RTO_LIMIT_MS);
    expect(serverErrors.filter((status) => status !== 503)).toEqual([]);
    expect(await cluster.leader()).toBe(promoted);

    // Drain the pull group, then judge the whole history against the promoted primary.
    const pool = new Pool({ connectionString: cluster.nodeUrl(promoted, DATABASE), max: 2 });
    try {
      // What was received but not acked during the outage comes again after its invisible time.
      const unfinished = async () =>
        Number(
          (
            await pool.query(
              `SELECT count(*) AS n FROM deliveries WHERE consumer_group = $1 AND state IN ('pending', 'inflight', 'retrying')`,
              [pull.name],
            )
          ).rows[0].n,
        );
      for (const until = Date.now() + 60_000; Date.now() < until && (await unfinished()) > 0;) {
        await puller.receiveAndAck(http(0), { waitSeconds: 1, invisibleSeconds: 5 });
      }
      await expectSettledHistoryHolds(
        pool,
        history,
        [
          { name: push.name, ordered: false },
          { name: pull.name, ordered: false },
        ],
        published,
      );
    } finally {
      await pool.end();
    }
  }, 150_000);

  it('writes nothing to the old primary when it comes back as it was, before Patroni rejoins it', async () => {
    await cluster.startPostgresAsItWas(lost);
    const old = new Client({ connectionString: cluster.nodeUrl(lost, DATABASE) });
    await old.connect();
    try {
      const [{ writable }] = (await old.query(`SELECT NOT pg_is_in_recovery() AS writable`)).rows;
      expect(writable).toBe(true); // a split brain waiting to happen
      const count = async () => Number((await old.query(`SELECT count(*) AS n FROM messages`)).rows[0].n);
      const before = await count();
      // A restarted instance looks at both hosts afresh; the running one keeps the primary it found.
      await instances[1].stop();
      instances[1] = await startProcess(vars);
      const topic = await createTopic(new HttpClient(instances[0].url, env.adminToken));
      for (const app of instances) {
        for (let n = 0; n < 10; n++) {
          const sent = await new HttpClient(app.url, env.adminToken).post(`/v1/topics/${topic}/messages`, {
            body: n,
          });
          expect(sent.status).toBe(201);
        }
      }
      expect(await count()).toBe(before);
      const pool = new Pool({ connectionString: cluster.nodeUrl(promoted, DATABASE), max: 1 });
      try {
        const { rows } = await pool.query(`SELECT count(*)::int AS n FROM messages WHERE topic = $1`, [
          topic,
        ]);
        expect(rows[0].n).toBe(20);
      } finally {
        await pool.end();
      }
    } finally {
      await old.end();
    }
  }, 120_000);
});
