// Trace context (SPEC §5): a W3C traceparent/tracestate sent with prepare reaches the check-back,
// the push and the pull message of its transaction; with an OpenTelemetry SDK started in the
// service (`--require`, as an operator would), the service's spans are children of the caller's.
// Without one, what was received is sent on unchanged (the second spec).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGroup, createTopic, uniqueName } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { startHttpPeer, type HttpPeer } from '../support/http-peer';
import { useService } from '../support/service-fixture';

const RECORDER = join(__dirname, '../support/otel-recorder.js');

interface RecordedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  attributes: Record<string, unknown>;
}

const newTrace = () => ({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') });

/** Runs one transaction prepared with `traceparent`, committed by its check-back, to a push and a pull group. */
function traceScenario(service: ReturnType<typeof useService>) {
  return async (traceparent: string) => {
    const peers: HttpPeer[] = [];
    try {
      const checkback = await startHttpPeer(() => ({ status: 200, body: { status: 'COMMIT' } }));
      const push = await startHttpPeer(() => ({ status: 200, body: {} }));
      peers.push(checkback, push);
      const topic = await createTopic(service.http);
      await createGroup(service.http, topic, { delivery: { type: 'push', url: push.url } });
      const pull = await createGroup(service.http, topic, { delivery: { type: 'pull' } });
      const producerGroup = uniqueName('traced');
      await service.http.put(`/v1/producer-groups/${producerGroup}`, {
        checkbackUrl: checkback.url,
        checkImmunitySeconds: 1,
      });
      const prepared = await service.http.post(
        '/v1/transactions',
        { producerGroup, messages: [{ topic, body: { traced: true } }] },
        { headers: { traceparent, tracestate: 'vendor=abc' } },
      );
      expect(prepared.status).toBe(201);
      await expectEventually(async () => expect(push.received).toHaveLength(1), 20_000);
      const received = await service.http.post(`/v1/consumer-groups/${pull.name}/receive`, {
        waitSeconds: 5,
      });
      return {
        checkbackRequest: checkback.received[0],
        pushRequest: push.received[0],
        pulled: received.body.messages[0].message,
        transactionId: prepared.body.id as string,
      };
    } finally {
      await Promise.all(peers.map((peer) => peer.close()));
    }
  };
}

describe('trace context with an OpenTelemetry SDK in the service (SPEC §5)', () => {
  const spansFile = join(mkdtempSync(join(tmpdir(), 'txmsg-spans-')), 'spans.jsonl');
  const service = useService({
    NODE_OPTIONS: `--max-old-space-size=256 --require ${RECORDER}`,
    TXMSG_TEST_SPANS_FILE: spansFile,
    TXMSG_RECONCILE_INTERVAL_MS: '300',
  });
  const spans = (): RecordedSpan[] =>
    existsSync(spansFile)
      ? readFileSync(spansFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as RecordedSpan)
      : [];

  it('makes prepare, check-back and push spans in the caller trace, and sends each on as the parent', async () => {
    const caller = newTrace();
    const run = await traceScenario(service)(`00-${caller.traceId}-${caller.spanId}-01`);

    await expectEventually(async () => {
      const names = spans()
        .filter((s) => s.traceId === caller.traceId)
        .map((s) => s.name);
      expect(names).toEqual(expect.arrayContaining(['txmsg prepare', 'txmsg check-back', 'txmsg push']));
    });
    const inTrace = spans().filter((s) => s.traceId === caller.traceId);
    const byName = (name: string) => inTrace.find((s) => s.name === name) as RecordedSpan;
    // Each is a child of the caller's span, and what went out names the service's span as parent.
    expect(byName('txmsg prepare').parentSpanId).toBe(caller.spanId);
    expect(byName('txmsg check-back').parentSpanId).toBe(caller.spanId);
    expect(byName('txmsg push').parentSpanId).toBe(caller.spanId);
    expect(run.checkbackRequest.headers.traceparent).toBe(
      `00-${caller.traceId}-${byName('txmsg check-back').spanId}-01`,
    );
    expect(run.pushRequest.headers.traceparent).toBe(
      `00-${caller.traceId}-${byName('txmsg push').spanId}-01`,
    );
    expect(run.pushRequest.headers.tracestate).toBe('vendor=abc');
    expect(byName('txmsg check-back').attributes['txmsg.transaction_id']).toBe(run.transactionId);
    // The message keeps the producer's own context.
    expect(run.pushRequest.body.traceparent).toBe(`00-${caller.traceId}-${caller.spanId}-01`);
    expect(run.pulled.traceparent).toBe(`00-${caller.traceId}-${caller.spanId}-01`);
    expect(run.pulled.tracestate).toBe('vendor=abc');

    // A commit by the producer is a span of the commit request's trace.
    const committer = newTrace();
    const producerGroup = uniqueName('traced');
    await service.http.put(`/v1/producer-groups/${producerGroup}`, {
      checkbackUrl: 'http://127.0.0.1:9/',
      checkImmunitySeconds: 3600,
    });
    const topic = await createTopic(service.http);
    const tx = await service.http.post('/v1/transactions', { producerGroup, messages: [{ topic, body: 1 }] });
    const commit = await service.http.post(
      `/v1/transactions/${tx.body.id}/commit`,
      {},
      { headers: { traceparent: `00-${committer.traceId}-${committer.spanId}-01` } },
    );
    expect(commit.status).toBe(200);
    await expectEventually(async () =>
      expect(spans().find((s) => s.traceId === committer.traceId)).toMatchObject({
        name: 'txmsg commit',
        parentSpanId: committer.spanId,
      }),
    );
  });
});

describe('trace context without an OpenTelemetry SDK (SPEC §5)', () => {
  const service = useService({ TXMSG_RECONCILE_INTERVAL_MS: '300' });

  it('sends the received context on unchanged to the check-back, the push and the pull message', async () => {
    const caller = newTrace();
    const traceparent = `00-${caller.traceId}-${caller.spanId}-01`;
    const run = await traceScenario(service)(traceparent);
    expect(run.checkbackRequest.headers.traceparent).toBe(traceparent);
    expect(run.pushRequest.headers.traceparent).toBe(traceparent);
    expect(run.pushRequest.headers.tracestate).toBe('vendor=abc');
    expect(run.pushRequest.body.traceparent).toBe(traceparent);
    expect(run.pulled.traceparent).toBe(traceparent);
  });

  it('ignores an invalid traceparent (W3C: the request goes on without one)', async () => {
    const topic = await createTopic(service.http);
    for (const traceparent of [
      'garbage',
      `00-${'0'.repeat(32)}-${'a'.repeat(16)}-01`,
      `00-${'a'.repeat(32)}-${'0'.repeat(16)}-01`,
    ]) {
      const sent = await service.http.post(
        `/v1/topics/${topic}/messages`,
        { body: 1 },
        { headers: { traceparent } },
      );
      expect(sent.status).toBe(201);
      const { rows } = await service.env.db.query('SELECT traceparent FROM messages WHERE id = $1', [
        sent.body.id,
      ]);
      expect(rows[0].traceparent).toBeNull();
    }
  });
});
