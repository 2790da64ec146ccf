// Durability per topic (SPEC §4) as a producer feels it: how many one-message sends and
// one-message transactions (prepare, then commit) are answered per second, and how long an answer
// takes, on a `sync` topic and on an `async` one; then both at once (half the producers on each),
// which is where sharing or splitting group-commit batches shows. No consumer group: only the
// write path counts.
import { p50p99, produceFor, type Api } from './load';

export interface DurabilityFigures {
  durability: 'sync' | 'async';
  kind: 'send' | 'transaction' | 'send, both at once';
  /** Messages answered 2xx per second. */
  messagesPerSecond: number;
  /** From the first request of a message to its last answer (a transaction: prepare and commit). */
  answerMs: { p50: number; p99: number };
}

export async function measureDurability(
  api: Api,
  run: string,
  producers: number,
  seconds: number,
  warmupSeconds: number,
): Promise<DurabilityFigures[]> {
  const group = `durability-${run}`;
  await api.call('PUT', `/v1/producer-groups/${group}`, {
    checkbackUrl: 'http://127.0.0.1:9/',
    checkImmunitySeconds: 3600,
  });
  const figures: DurabilityFigures[] = [];
  for (const kind of ['send', 'transaction'] as const) {
    for (const durability of ['sync', 'async'] as const) {
      const topic = `${kind}-${durability}-${run}`;
      await api.call('PUT', `/v1/topics/${topic}`, { durability });
      const one = async (took?: number[]) => {
        const started = performance.now();
        if (kind === 'send') {
          await api.call('POST', `/v1/topics/${topic}/messages`, { body: { orderId: 1, amount: 42 } });
        } else {
          const tx = await api.call<{ id: string }>('POST', '/v1/transactions', {
            producerGroup: group,
            messages: [{ topic, body: { orderId: 1, amount: 42 } }],
          });
          await api.call('POST', `/v1/transactions/${tx.id}/commit`);
        }
        took?.push(performance.now() - started);
      };
      await produceFor(producers, warmupSeconds, 1, undefined, () => one());
      const took: number[] = [];
      const started = performance.now();
      await produceFor(producers, seconds, 1, undefined, () => one(took));
      const elapsed = (performance.now() - started) / 1000;
      figures.push({
        durability,
        kind,
        messagesPerSecond: Math.round(took.length / elapsed),
        answerMs: p50p99(took),
      });
    }
  }
  figures.push(...(await both(api, run, producers, seconds, warmupSeconds)));
  return figures;
}

/** Half the producers send to a sync topic, half to an async one, at the same time. */
async function both(
  api: Api,
  run: string,
  producers: number,
  seconds: number,
  warmupSeconds: number,
): Promise<DurabilityFigures[]> {
  const took = { sync: [] as number[], async: [] as number[] };
  for (const durability of ['sync', 'async'] as const) {
    await api.call('PUT', `/v1/topics/both-${durability}-${run}`, { durability });
  }
  const send = async (durability: 'sync' | 'async', record: boolean) => {
    const started = performance.now();
    await api.call('POST', `/v1/topics/both-${durability}-${run}/messages`, {
      body: { orderId: 1, amount: 42 },
    });
    if (record) took[durability].push(performance.now() - started);
  };
  const half = Math.max(1, Math.floor(producers / 2));
  const run2 = (secondsOf: number, record: boolean) =>
    Promise.all(
      (['sync', 'async'] as const).map((durability) =>
        produceFor(half, secondsOf, 1, undefined, () => send(durability, record)),
      ),
    );
  await run2(warmupSeconds, false);
  const started = performance.now();
  await run2(seconds, true);
  const elapsed = (performance.now() - started) / 1000;
  return (['sync', 'async'] as const).map((durability) => ({
    durability,
    kind: 'send, both at once' as const,
    messagesPerSecond: Math.round(took[durability].length / elapsed),
    answerMs: p50p99(took[durability]),
  }));
}
