// Consumers that write what they see into a delivery history (`delivery-history.ts`): a real local
// HTTP server for push groups, and a pull client that records its receives, acks and nacks.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AckSeen, NackSeen, ReceiveSeen, Seen } from './delivery-history';
import type { HttpClient, HttpResult } from './http-client';

export interface PushRequest {
  headers: IncomingHttpHeaders;
  /** The body as sent (signatures are over it). */
  raw: string;
  body: any;
  /** Answers this consumer has given before this request (all messages). */
  seen: number;
}

export interface PushReply {
  status: number;
  delayMs?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RecordingPushConsumer {
  url: string;
  /** Requests being answered right now, and the most at once so far. */
  inflight: number;
  maxInflight: number;
  close(): Promise<void>;
}

/**
 * A push endpoint that records every request as a `PushSeen`: from its arrival to the answer, or
 * to the moment the service hung up (its time-out, or a crash) with status null. `member` is the
 * member the service pushes to through this endpoint ('' for clustering groups; the URL, given
 * back by `memberOf`, for broadcasting ones).
 */
export async function startRecordingPushConsumer(
  history: Seen[],
  reply: (request: PushRequest) => PushReply | Promise<PushReply>,
  options: { broadcasting?: boolean } = {},
): Promise<RecordingPushConsumer> {
  let answered = 0;
  const consumer = { inflight: 0, maxInflight: 0 } as RecordingPushConsumer;
  const server: Server = createServer((req, res) => {
    const start = Date.now();
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw);
      consumer.inflight++;
      consumer.maxInflight = Math.max(consumer.maxInflight, consumer.inflight);
      let done = false;
      let failed: string[] = [];
      // A batched push (`{messages: [...]}`) is one attempt per message it carries; one the
      // answer lists under `failed` is a failed attempt (status 0).
      const messages: { id: string; attempt: number }[] = Array.isArray(body.messages)
        ? body.messages
        : [body];
      const record = (status: number | null) => {
        if (done) return;
        done = true;
        consumer.inflight--;
        for (const message of messages) {
          history.push({
            kind: 'push',
            group: String(req.headers['txmsg-consumer-group']),
            member: options.broadcasting ? consumer.url : '',
            messageId: message.id,
            attempt: message.attempt,
            start,
            end: Date.now(),
            status: status !== null && failed.includes(message.id) ? 0 : status,
          });
        }
      };
      // The service hung up before the answer was written: its time-out, or it died.
      res.on('close', () => record(res.writableFinished ? res.statusCode : null));
      void Promise.resolve(reply({ headers: req.headers, raw, body, seen: answered++ })).then(
        async (answer) => {
          failed = ((answer.body as { failed?: string[] } | undefined)?.failed ?? []).slice();
          if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
          if (res.destroyed) return;
          const text = JSON.stringify(answer.body ?? {});
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
          // The answer counts from when it is handed to the socket.
          res.end(text, () => record(answer.status));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  consumer.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/push`;
  consumer.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return consumer;
}

export interface ReceivedMessage {
  receiptHandle: string;
  attempt: number;
  message: { id: string; body: any; shardingKey: string | null; [field: string]: unknown };
}

/** A pull consumer of one group (and member) that records what it does. */
export class RecordingPullClient {
  constructor(
    private readonly history: Seen[],
    private readonly group: string,
    private readonly member = '',
  ) {}

  /** Receives through `http` (any instance); a failed request records nothing and returns []. */
  async receive(
    http: HttpClient,
    options: { maxMessages?: number; waitSeconds?: number; invisibleSeconds?: number } = {},
  ): Promise<ReceivedMessage[]> {
    const invisibleSeconds = options.invisibleSeconds ?? 30;
    const start = Date.now();
    const answer = await settle(
      http.post(`/v1/consumer-groups/${this.group}/receive`, {
        maxMessages: options.maxMessages ?? 10,
        waitSeconds: options.waitSeconds ?? 1,
        invisibleSeconds,
        ...(this.member ? { consumerId: this.member } : {}),
      }),
    );
    const end = Date.now();
    if (answer?.status !== 200) return [];
    const messages = answer.body.messages as ReceivedMessage[];
    for (const m of messages) {
      this.history.push({
        kind: 'receive',
        group: this.group,
        member: this.member,
        messageId: m.message.id,
        attempt: m.attempt,
        receipt: m.receiptHandle,
        start,
        end,
        invisibleMs: invisibleSeconds * 1000,
      } satisfies ReceiveSeen);
    }
    return messages;
  }

  /** Acks; returns the answer (null when none came), as the history records it. */
  async ack(http: HttpClient, receipts: string[]): Promise<HttpResult | null> {
    const start = Date.now();
    const answer = await settle(
      http.post(`/v1/consumer-groups/${this.group}/ack`, { receiptHandles: receipts }),
    );
    const expired = answer?.status === 200 ? (answer.body.expired as string[]) : receipts;
    this.history.push({
      kind: 'ack',
      group: this.group,
      receipts,
      start,
      end: Date.now(),
      // A 4xx/5xx answer acked nothing; only a lost answer leaves the outcome unknown.
      acked: answer === null ? null : receipts.filter((r) => !expired.includes(r)),
    } satisfies AckSeen);
    return answer;
  }

  /**
   * Receives once and acks all it got (through `ackVia`, another instance if need be); `ack` is
   * the ack's answer, absent when nothing came.
   */
  async receiveAndAck(
    http: HttpClient,
    options: Parameters<RecordingPullClient['receive']>[1] = {},
    ackVia = http,
  ): Promise<{ received: ReceivedMessage[]; ack?: HttpResult | null }> {
    const received = await this.receive(http, options);
    if (received.length === 0) return { received };
    return {
      received,
      ack: await this.ack(
        ackVia,
        received.map((m) => m.receiptHandle),
      ),
    };
  }

  /** Nacks; returns the answer (null when none came). */
  async nack(http: HttpClient, receipt: string, retryAfterSeconds?: number): Promise<HttpResult | null> {
    const start = Date.now();
    const answer = await settle(
      http.post(`/v1/consumer-groups/${this.group}/nack`, { receiptHandle: receipt, retryAfterSeconds }),
    );
    this.history.push({
      kind: 'nack',
      group: this.group,
      receipt,
      start,
      end: Date.now(),
    } satisfies NackSeen);
    return answer;
  }
}

/** The answer, or null when the request got none (the instance died, the connection broke). */
async function settle(request: Promise<HttpResult>): Promise<HttpResult | null> {
  try {
    return await request;
  } catch {
    return null;
  }
}
