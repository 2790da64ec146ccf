// Randomized delivery (G1–G4, G6): fast-check draws scenarios — single, batch and transactional
// sends from concurrent producers over a few sharding keys, ordered and unordered push and pull
// groups, consumers that fail first attempts, answer 429/503 with Retry-After, answer near the
// time-out or past it, poison messages redriven later, a replay, and an instance killed with
// SIGKILL mid-run — against two instances on one Postgres and one Redis. Every history goes
// through the checker. A failure prints the seed (TXMSG_DELIVERY_SEED replays it) and the history.
import fc from 'fast-check';
import { startApp, type AppProcess } from '../support/app-process';
import { createGroup, createTopic, producerGroup } from '../support/delivery-fixture';
import type { Seen } from '../support/delivery-history';
import { expectHistoryHolds, historyFacts, waitUntilSettled } from '../support/history-facts';
import { HttpClient, type HttpResult } from '../support/http-client';
import {
  RecordingPullClient,
  startRecordingPushConsumer,
  type PushReply,
  type RecordingPushConsumer,
} from '../support/recording-consumer';
import { createTestEnv, type TestEnv } from '../support/test-env';

const SEED = Number(process.env.TXMSG_DELIVERY_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.TXMSG_DELIVERY_RUNS ?? 4);
const PUSH_TIMEOUT_MS = 1000;
const INVISIBLE_SECONDS = 2;
const INSTANCE_ENV = {
  TXMSG_RECONCILE_INTERVAL_MS: '300',
  // A killed instance's pushes go out again 10 s past their time-out, not 30.
  TXMSG_PUSH_LEASE_MARGIN_SECONDS: '10',
};

/** What a consumer does with a message's first attempt (later attempts succeed, but poison's). */
type Behaviour = 'ok' | 'fail' | 'throttle' | 'near-timeout' | 'past-timeout' | 'poison';

interface GroupPlan {
  type: 'push' | 'pull';
  ordered: boolean;
}

interface SendPlan {
  kind: 'single' | 'batch' | 'transaction';
  /** Sharding key index per message (null: no key). */
  keys: (number | null)[];
  rollback: boolean;
  /** Instance the producer talks to. */
  via: 0 | 1;
}

interface Scenario {
  groups: GroupPlan[];
  sends: SendPlan[];
  producers: number;
  behaviours: Behaviour[];
  /** Kill -9 instance 1 after this many sends have started (none: no kill). */
  killAfter: number | null;
  redrive: boolean;
  replay: boolean;
}

const behaviourArb = fc.constantFrom<Behaviour>(
  ...Array<Behaviour>(10).fill('ok'),
  'fail',
  'fail',
  'throttle',
  'near-timeout',
  'past-timeout',
  'poison',
);

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    groups: fc.array(fc.record({ type: fc.constantFrom('push', 'pull'), ordered: fc.boolean() }), {
      minLength: 1,
      maxLength: 3,
    }),
    sends: fc.array(
      fc.record({
        kind: fc.constantFrom('single', 'single', 'batch', 'transaction'),
        keys: fc.array(fc.option(fc.integer({ min: 0, max: 3 }), { freq: 4 }), {
          minLength: 1,
          maxLength: 5,
        }),
        rollback: fc.boolean(),
        via: fc.constantFrom(0, 1),
      }),
      { minLength: 10, maxLength: 40 },
    ),
    producers: fc.integer({ min: 1, max: 3 }),
    behaviours: fc.array(behaviourArb, { minLength: 64, maxLength: 64 }),
    killAfter: fc.option(fc.integer({ min: 2, max: 7 }), { freq: 2 }),
    redrive: fc.boolean(),
    replay: fc.boolean(),
  })
  .map((s) => ({
    ...s,
    // single sends carry one message; only transactions roll back
    sends: s.sends.map((send) => ({
      ...send,
      keys: send.kind === 'single' ? send.keys.slice(0, 1) : send.keys,
      rollback: send.kind === 'transaction' && send.rollback,
    })),
  })) as fc.Arbitrary<Scenario>;

describe('randomized delivery histories (G1–G4, G6)', () => {
  let env: TestEnv;
  const instances: AppProcess[] = [];
  const http = (i: number) => new HttpClient(instances[i].url, env.adminToken);

  beforeAll(async () => {
    env = await createTestEnv();
    instances.push(...(await Promise.all([startApp(env, INSTANCE_ENV), startApp(env, INSTANCE_ENV)])));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map((app) => app.stop('SIGKILL')));
    await env?.close();
  });

  it(`keeps every guarantee in ${RUNS} random scenarios (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, (scenario) => runScenario(scenario)),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, verbose: 2 },
    );
  }, 240_000);

  async function runScenario(scenario: Scenario): Promise<void> {
    const history: Seen[] = [];
    const published = new Set<string>();
    let cured = false;
    let n = 0;
    const behaviourOf = (message: number, group: number) =>
      scenario.behaviours[(message * 7 + group * 13) % scenario.behaviours.length];

    const topic = await createTopic(http(0));
    const producer = await producerGroup(http(0));
    const consumers: RecordingPushConsumer[] = [];
    const pulls: { client: RecordingPullClient; index: number }[] = [];
    const groups: { name: string; ordered: boolean }[] = [];
    for (const [index, plan] of scenario.groups.entries()) {
      const common = { ordered: plan.ordered, maxRetries: 2, retryBackoffSeconds: [1] };
      if (plan.type === 'push') {
        const consumer = await startRecordingPushConsumer(history, ({ body }) =>
          pushReply(behaviourOf(body.body.n, index), body.attempt, cured, body.body.n),
        );
        consumers.push(consumer);
        const group = await createGroup(http(0), topic, {
          ...common,
          delivery: { type: 'push', url: consumer.url, timeoutMs: PUSH_TIMEOUT_MS, maxConcurrency: 8 },
        });
        groups.push({ name: group.name, ordered: plan.ordered });
      } else {
        const group = await createGroup(http(0), topic, { ...common, delivery: { type: 'pull' } });
        groups.push({ name: group.name, ordered: plan.ordered });
        pulls.push({ client: new RecordingPullClient(history, group.name), index });
      }
    }

    // Pull consumers: two pollers per group, on either instance, until told to stop.
    let polling = true;
    const pollers = pulls.flatMap(({ client, index }) =>
      [0, 1].map(async (poller) => {
        for (let round = 0; polling; round++) {
          const received = await client.receive(http((poller + round) % 2), {
            maxMessages: 1 + (round % 5),
            waitSeconds: 1,
            invisibleSeconds: INVISIBLE_SECONDS,
          });
          const toAck: string[] = [];
          for (const m of received) {
            const step = pullStep(behaviourOf(m.message.body.n, index), m.attempt, cured);
            if (step === 'ack') toAck.push(m.receiptHandle);
            else if (step === 'slow-ack') {
              await sleep(INVISIBLE_SECONDS * 500);
              toAck.push(m.receiptHandle);
            } else if (step === 'nack') await client.nack(http(round % 2), m.receiptHandle, 1);
            // 'ignore': the invisible time runs out and the message comes again
          }
          if (received.length === 0) await sleep(50); // an instance being restarted answers at once
          if (toAck.length > 0) await client.ack(http(round % 2), toAck);
        }
      }),
    );

    // Producers: concurrent workers over the planned sends; instance 1 is killed mid-run.
    let started = 0;
    let killed: Promise<void> = Promise.resolve();
    const queue = [...scenario.sends];
    const produce = async () => {
      for (let send = queue.shift(); send; send = queue.shift()) {
        started++;
        if (started === scenario.killAfter) killed = killAndRestart(history);
        const bodies = send.keys.map((key) => ({
          body: { n: ++n },
          ...(key === null ? {} : { shardingKey: `k${key}` }),
        }));
        await publish(send, bodies, topic, producer, published);
      }
    };
    await Promise.all(Array.from({ length: scenario.producers }, produce));
    await killed;

    const names = groups.map((g) => g.name);
    await waitUntilSettled(env.db, names, 45_000);

    // Reopenings while the groups are idle: redrive the dead letters (now cured), replay one group.
    cured = true;
    if (scenario.redrive) {
      for (const group of names) {
        const dead = await http(0).get(`/v1/consumer-groups/${group}/dead-letters?limit=500`);
        const ids = (dead.body.items as { message: { id: string } }[]).map((d) => d.message.id);
        if (ids.length === 0) continue;
        const start = Date.now();
        expect((await http(1).post(`/v1/consumer-groups/${group}/dead-letters/redrive`, {})).status).toBe(
          200,
        );
        history.push({ kind: 'redrive', group, reopened: ids, start, end: Date.now() });
      }
      await waitUntilSettled(env.db, names, 30_000);
    }
    if (scenario.replay) {
      const group = names[0];
      const start = Date.now();
      const replayed = await http(0).post(`/v1/consumer-groups/${group}/replay`, {
        from: new Date(0).toISOString(),
      });
      expect(replayed.status).toBe(200);
      const facts = await historyFacts(env.db, [groups[0]], []);
      history.push({ kind: 'replay', group, reopened: facts.groups[0].expected, start, end: Date.now() });
    }
    if (scenario.replay) await waitUntilSettled(env.db, names, 30_000);

    polling = false;
    await Promise.all(pollers);
    await Promise.all(consumers.map((c) => c.close()));
    const facts = await historyFacts(env.db, groups, published);
    expectHistoryHolds(history, facts, `seed ${SEED}, scenario ${JSON.stringify(scenario)}`);
  }

  /** Sends one planned request; what got a 2xx is published (the producer heard "sent"). */
  async function publish(
    send: SendPlan,
    messages: Record<string, unknown>[],
    topic: string,
    producer: string,
    published: Set<string>,
  ): Promise<void> {
    const via = () => http(instances[send.via] ? send.via : 0);
    if (send.kind === 'single') {
      const sent = await attempt(() => via().post(`/v1/topics/${topic}/messages`, messages[0]));
      if (sent?.status === 201) published.add(sent.body.id);
    } else if (send.kind === 'batch') {
      const sent = await attempt(() => via().post(`/v1/topics/${topic}/messages/batch`, { messages }));
      if (sent?.status === 201) (sent.body.ids as string[]).forEach((id) => published.add(id));
    } else {
      const prepared = await attempt(() =>
        via().post('/v1/transactions', {
          producerGroup: producer,
          messages: messages.map((m) => ({ topic, ...m })),
        }),
      );
      if (prepared?.status !== 201) return;
      const verdict = send.rollback ? 'rollback' : 'commit';
      // Like the SDK, a verdict whose answer was lost is sent again (to the other instance).
      for (const i of [send.via, 0]) {
        const decided = await attempt(() => http(i).post(`/v1/transactions/${prepared.body.id}/${verdict}`));
        if (decided?.status === 200) {
          if (!send.rollback) (prepared.body.messageIds as string[]).forEach((id) => published.add(id));
          return;
        }
      }
    }
  }

  async function killAndRestart(history: Seen[]): Promise<void> {
    const victim = instances[1];
    const start = Date.now();
    await victim.stop('SIGKILL');
    // A request the victim wrote before it died is already in the consumer's socket: let the
    // loop dispatch it before the exit counts as seen.
    await new Promise((resolve) => setImmediate(resolve));
    history.push({ kind: 'crash', start, end: Date.now() });
    instances[1] = await startApp(env, INSTANCE_ENV);
  }
});

function pushReply(behaviour: Behaviour, attempt: number, cured: boolean, n: number): PushReply {
  if (behaviour === 'poison' && !cured) return { status: 500 };
  if (attempt > 1 || behaviour === 'ok' || behaviour === 'poison') return { status: 200, delayMs: n % 6 };
  switch (behaviour) {
    case 'fail':
      return { status: 500 };
    case 'throttle':
      return { status: n % 2 ? 429 : 503, headers: { 'retry-after': '1' } };
    case 'near-timeout':
      return { status: 200, delayMs: PUSH_TIMEOUT_MS - 250 };
    case 'past-timeout':
      return { status: 200, delayMs: PUSH_TIMEOUT_MS + 300 };
  }
}

function pullStep(
  behaviour: Behaviour,
  attempt: number,
  cured: boolean,
): 'ack' | 'slow-ack' | 'nack' | 'ignore' {
  if (behaviour === 'poison' && !cured) return 'nack';
  if (attempt > 1 || behaviour === 'ok' || behaviour === 'poison') return 'ack';
  switch (behaviour) {
    case 'fail':
    case 'throttle':
      return 'nack';
    case 'near-timeout':
      return 'slow-ack';
    case 'past-timeout':
      return 'ignore';
  }
}

/** A request's answer, or null when it got none (its instance was killed). */
async function attempt(request: () => Promise<HttpResult>): Promise<HttpResult | null> {
  try {
    return await request();
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
