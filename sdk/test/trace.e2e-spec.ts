// The trace context round trip through @txmsg/client (SPEC §5): each call sends the context
// active where it is made — also when concurrent calls from different traces are coalesced into
// one batch request — and the push and pull handlers run `handle` in the producer's context, so
// a consumer's span joins the producer's trace. An OpenTelemetry SDK runs in this process.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { expectEventually } from '../../test/support/eventually';
import { useService } from '../../test/support/service-fixture';
import { consume, nodeListener, pushHandler, TxmsgClient, type PushedMessage } from './sdk-under-test';

describe('@txmsg/client trace context', () => {
  const service = useService();
  const exporter = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let server: Server;

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    server?.close();
    trace.disable();
    context.disable();
    await provider.shutdown();
  });

  it('keeps each producer trace id from the transaction to handle, push and pull, through coalesced batches', async () => {
    const client = new TxmsgClient({ url: service.app.url, token: service.env.adminToken });
    const suffix = randomBytes(3).toString('hex');
    const topic = `traced-${suffix}`;
    const producerGroup = `traced-svc-${suffix}`;
    await client.putTopic(topic);
    await client.putProducerGroup(producerGroup, {
      checkbackUrl: 'http://127.0.0.1:9/',
      checkImmunitySeconds: 3600,
    });

    // What `handle` saw as the active trace, by message body.
    const pushSeen = new Map<string, string | undefined>();
    const pullSeen = new Map<string, string | undefined>();
    const activeTraceId = () => trace.getSpanContext(context.active())?.traceId;
    // The push endpoint listens first; its handler gets the group's secret once the group exists.
    let listener: ReturnType<typeof nodeListener> = (_request, response) => response.writeHead(503).end();
    server = createServer((request, response) => listener(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const pushUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const push = await client.putConsumerGroup(`${topic}-push`, {
      topic,
      delivery: { type: 'push', url: pushUrl },
    });
    listener = nodeListener(
      pushHandler({
        secret: push.secret as string,
        handle: async (message: PushedMessage) => {
          pushSeen.set(message.body as string, activeTraceId());
        },
      }),
    );
    await client.putConsumerGroup(`${topic}-pull`, { topic, delivery: { type: 'pull' } });

    // Eight producers, each in its own trace, call at once: their prepares and commits coalesce.
    const tracer = trace.getTracer('producer');
    const producers = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        tracer.startActiveSpan(`order ${n}`, async (span) => {
          const tx = await client.prepare({ producerGroup, messages: [{ topic, body: `order-${n}` }] });
          await client.commit(tx.id);
          span.end();
          return { body: `order-${n}`, traceId: span.spanContext().traceId };
        }),
      ),
    );
    expect(new Set(producers.map((p) => p.traceId)).size).toBe(8);

    const consumer = consume(client, `${topic}-pull`, async ({ message }) => {
      pullSeen.set(message.body as string, activeTraceId());
    });
    try {
      await expectEventually(async () => {
        expect(pushSeen.size).toBe(8);
        expect(pullSeen.size).toBe(8);
      }, 20_000);
    } finally {
      await consumer.stop();
    }
    for (const producer of producers) {
      expect({
        body: producer.body,
        push: pushSeen.get(producer.body),
        pull: pullSeen.get(producer.body),
      }).toEqual({
        body: producer.body,
        push: producer.traceId,
        pull: producer.traceId,
      });
    }
    // The producers' spans were exported (the SDK here is real), and each message stored its own.
    expect(exporter.getFinishedSpans().filter((s) => s.name.startsWith('order ')).length).toBe(8);
  });

  it('pauses and resumes a consumer group and reads its delivery controls', async () => {
    const client = new TxmsgClient({ url: service.app.url, token: service.env.adminToken });
    const topic = `paused-${randomBytes(3).toString('hex')}`;
    await client.putTopic(topic);
    await client.putConsumerGroup(`${topic}-push`, {
      topic,
      delivery: {
        type: 'push',
        url: 'http://127.0.0.1:9/',
        maxPerSecond: 5,
        circuitBreaker: { failures: 3, probeSeconds: 10 },
      },
    });
    expect((await client.pauseConsumerGroup(`${topic}-push`)).stats.paused).toBe(true);
    const paused = await client.getConsumerGroup(`${topic}-push`);
    expect(paused).toMatchObject({
      delivery: { maxPerSecond: 5, circuitBreaker: { failures: 3, probeSeconds: 10 } },
      stats: { paused: true, endpoints: [{ url: 'http://127.0.0.1:9/', circuit: 'closed' }] },
    });
    expect((await client.resumeConsumerGroup(`${topic}-push`)).stats.paused).toBe(false);
  });
});
