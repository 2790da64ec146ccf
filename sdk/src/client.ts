// The txmsg REST API, typed (SPEC §4–§10). `client.api` is the typed openapi-fetch client for any
// path; the methods below are the calls producers and consumers make, with Idempotency-Keys on
// creates and errors thrown as TxmsgError.
import { randomUUID } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import { TxmsgError } from './errors';
import { retryingFetch, type RetryOptions } from './retry';
import type { operations, paths } from './schema';
import type {
  Claim,
  ConsumerGroupInput,
  Message,
  Page,
  PrepareInput,
  ProducerGroupInput,
  ReceivedMessage,
  ReceiveInput,
  Sent,
  SendInput,
  TopicInput,
  Transaction,
} from './types';

export interface TxmsgOptions {
  /** Where txmsg listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** A bearer token: an API key, or the admin token. */
  token: string;
  retry?: RetryOptions;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/** A call's own Idempotency-Key; one is generated per call when none is given. */
export interface CreateOptions {
  idempotencyKey?: string;
}

/** `GET /v1/messages` filters, as the OpenAPI document types them. */
export type MessageListQuery = NonNullable<operations['MessageQueryController_list']['parameters']['query']>;

type Answer<T> = { data?: T; error?: unknown; response: Response };

export class TxmsgClient {
  /** Every endpoint, typed from the service's OpenAPI document. */
  readonly api: Client<paths>;

  constructor(options: TxmsgOptions) {
    this.api = createClient<paths>({
      baseUrl: options.url.replace(/\/$/, ''),
      headers: { authorization: `Bearer ${options.token}` },
      fetch: retryingFetch(options.retry, options.fetch),
    });
  }

  // ── topics and producer groups (§4) ──
  putTopic(topic: string, body: TopicInput = {}) {
    return unwrap<Record<string, unknown>>(
      this.api.PUT('/v1/topics/{topic}', { params: { path: { topic } }, body }),
    );
  }

  putProducerGroup(group: string, body: ProducerGroupInput) {
    return unwrap<{ name: string; secret?: string } & Record<string, unknown>>(
      this.api.PUT('/v1/producer-groups/{group}', { params: { path: { group } }, body }),
    );
  }

  rotateProducerGroupSecret(group: string) {
    return unwrap<{ secret: string } & Record<string, unknown>>(
      this.api.POST('/v1/producer-groups/{group}/rotate-secret', { params: { path: { group } } }),
    );
  }

  // ── transactions (§5) ──
  prepare(body: PrepareInput, options: CreateOptions = {}) {
    return unwrap<Transaction>(
      this.api.POST('/v1/transactions', { body, headers: idempotencyHeader(options) }),
    );
  }

  commit(id: string) {
    return unwrap<Transaction>(this.api.POST('/v1/transactions/{id}/commit', { params: { path: { id } } }));
  }

  rollback(id: string) {
    return unwrap<Transaction>(this.api.POST('/v1/transactions/{id}/rollback', { params: { path: { id } } }));
  }

  getTransaction(id: string) {
    return unwrap<Transaction>(this.api.GET('/v1/transactions/{id}', { params: { path: { id } } }));
  }

  // ── plain sends (§6) ──
  send(topic: string, message: SendInput, options: CreateOptions = {}) {
    return unwrap<Sent>(
      this.api.POST('/v1/topics/{topic}/messages', {
        params: { path: { topic } },
        body: message,
        headers: idempotencyHeader(options),
      }),
    );
  }

  sendBatch(topic: string, messages: SendInput[], options: CreateOptions = {}) {
    return unwrap<{ ids: string[] }>(
      this.api.POST('/v1/topics/{topic}/messages/batch', {
        params: { path: { topic } },
        body: { messages },
        headers: idempotencyHeader(options),
      }),
    );
  }

  // ── consumer groups and pull delivery (§7) ──
  putConsumerGroup(group: string, body: ConsumerGroupInput) {
    return unwrap<{ name: string; secret?: string } & Record<string, unknown>>(
      this.api.PUT('/v1/consumer-groups/{group}', { params: { path: { group } }, body }),
    );
  }

  /** A long poll: its time-out is the retry time-out plus the wait; `signal` cuts it short. */
  receive(group: string, body: ReceiveInput = {}, signal?: AbortSignal) {
    const waitMs = (body.waitSeconds ?? 20) * 1000;
    return unwrap<{ messages: ReceivedMessage[] }>(
      this.api.POST('/v1/consumer-groups/{group}/receive', {
        params: { path: { group } },
        body,
        headers: { 'x-txmsg-extra-timeout-ms': String(waitMs) },
        ...(signal ? { signal } : {}),
      }),
    );
  }

  ack(group: string, receiptHandles: string[]) {
    return unwrap<{ acked: number; expired: string[] }>(
      this.api.POST('/v1/consumer-groups/{group}/ack', {
        params: { path: { group } },
        body: { receiptHandles },
      }),
    );
  }

  nack(group: string, receiptHandle: string, retryAfterSeconds?: number) {
    return unwrap<unknown>(
      this.api.POST('/v1/consumer-groups/{group}/nack', {
        params: { path: { group } },
        body: { receiptHandle, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
      }),
    );
  }

  extendVisibility(group: string, receiptHandle: string, invisibleSeconds: number) {
    return unwrap<unknown>(
      this.api.POST('/v1/consumer-groups/{group}/visibility', {
        params: { path: { group } },
        body: { receiptHandle, invisibleSeconds },
      }),
    );
  }

  // ── dedupe claims (§8) ──
  /** A 409 (someone else holds or completed the key) is an answer here, not an error. */
  async claim(group: string, key: string, leaseSeconds?: number): Promise<Claim> {
    const { data, error, response } = await this.api.POST('/v1/consumer-groups/{group}/claims', {
      params: { path: { group } },
      body: { key, ...(leaseSeconds === undefined ? {} : { leaseSeconds }) },
    });
    if (response.status === 409) return error as unknown as Claim;
    if (!response.ok) throw errorOf(response, error);
    return data as unknown as Claim;
  }

  completeClaim(group: string, key: string, token: string) {
    return unwrap<unknown>(
      this.api.POST('/v1/consumer-groups/{group}/claims/{key}/complete', {
        params: { path: { group, key } },
        body: { token },
      }),
    );
  }

  releaseClaim(group: string, key: string, token: string) {
    return unwrap<unknown>(
      this.api.POST('/v1/consumer-groups/{group}/claims/{key}/release', {
        params: { path: { group, key } },
        body: { token },
      }),
    );
  }

  // ── query (§9) ──
  getMessage(id: string) {
    return unwrap<Message & Record<string, unknown>>(
      this.api.GET('/v1/messages/{id}', { params: { path: { id } } }),
    );
  }

  listMessages(query: MessageListQuery = {}) {
    return unwrap<Page<Message & Record<string, unknown>>>(
      this.api.GET('/v1/messages', { params: { query } }),
    );
  }
}

function idempotencyHeader(options: CreateOptions): Record<string, string> {
  return { 'Idempotency-Key': options.idempotencyKey ?? randomUUID() };
}

async function unwrap<T>(call: Promise<Answer<unknown>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw errorOf(response, error);
  return data as T;
}

function errorOf(response: Response, error: unknown): TxmsgError {
  const body = (error ?? {}) as { error?: unknown; message?: unknown; details?: unknown };
  return new TxmsgError(
    response.status,
    typeof body.error === 'string' ? body.error : `http_${response.status}`,
    typeof body.message === 'string' ? body.message : typeof error === 'string' ? error : response.statusText,
    Array.isArray(body.details) ? body.details : [],
  );
}
