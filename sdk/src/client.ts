// The txmsg REST API, typed (SPEC §4–§10). `client.api` is the typed openapi-fetch client for any
// path; the methods below are the calls producers and consumers make, with Idempotency-Keys on
// creates and errors thrown as TxmsgError.
import { randomUUID } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import { TxmsgError } from './errors';
import { retryingFetch, type RetryOptions } from './retry';
import { Coalescer, type CoalesceOptions, type Settled } from './coalescer';
import { activeTraceFields, type TraceFields } from './trace';
import type { operations, paths } from './schema';
import type {
  Claim,
  ConsumerGroupInput,
  PreparedTransaction,
  PrepareInput,
  ProducerGroupInput,
  PutConsumerGroupAnswer,
  PutProducerGroupAnswer,
  ReceiveInput,
  SendInput,
  TopicInput,
  TopicSchemaInput,
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
  /**
   * Concurrent prepares, and concurrent commits and rollbacks, go out together as one batch
   * request while one of their kind is in flight (default); a lone call goes at once. `false`
   * sends every call on its own.
   */
  coalesce?: CoalesceOptions | false;
}

/** A call's own Idempotency-Key; one is generated per call when none is given. */
export interface CreateOptions {
  idempotencyKey?: string;
}

/** `GET /v1/messages` filters, as the OpenAPI document types them. */
export type MessageListQuery = NonNullable<operations['MessageQueryController_list']['parameters']['query']>;

type Answer<T> = { data?: T; error?: unknown; response: Response };

type VerdictName = 'COMMIT' | 'ROLLBACK';

/** One entry of a batch answer (SPEC §5): the single call's status with its body or error. */
type EntryResult<T> = { status: number; transaction?: T; error?: unknown };

export class TxmsgClient {
  /** Every endpoint, typed from the service's OpenAPI document. */
  readonly api: Client<paths>;
  private readonly prepares?: Coalescer<
    { body: PrepareInput; key: string; trace: TraceFields },
    PreparedTransaction
  >;
  private readonly verdicts?: Coalescer<
    { id: string; verdict: VerdictName; trace: TraceFields },
    Transaction
  >;

  constructor(options: TxmsgOptions) {
    this.api = createClient<paths>({
      baseUrl: options.url.replace(/\/$/, ''),
      headers: { authorization: `Bearer ${options.token}` },
      fetch: retryingFetch(options.retry, options.fetch),
    });
    if (options.coalesce !== false) {
      this.prepares = new Coalescer((items) => this.prepareMany(items), options.coalesce, options.retry);
      this.verdicts = new Coalescer((items) => this.decideMany(items), options.coalesce, options.retry);
    }
  }

  // ── topics and producer groups (§4) ──
  putTopic(topic: string, body: TopicInput = {}) {
    return unwrap(this.api.PUT('/v1/topics/{topic}', { params: { path: { topic } }, body }));
  }

  putProducerGroup(group: string, body: ProducerGroupInput): Promise<PutProducerGroupAnswer> {
    return unwrap(this.api.PUT('/v1/producer-groups/{group}', { params: { path: { group } }, body }));
  }

  /** Stores schema `version` of `topic` (for one `tag`, or every tag); versions are immutable. */
  putTopicSchema(topic: string, version: number, schema: TopicSchemaInput['schema'], tag?: string) {
    return unwrap(
      this.api.PUT('/v1/topics/{topic}/schemas/{version}', {
        params: { path: { topic, version } },
        body: { schema, ...(tag === undefined ? {} : { tag }) },
      }),
    );
  }

  /** The topic's schema versions, its current version and compatibility mode. */
  listTopicSchemas(topic: string) {
    return unwrap(this.api.GET('/v1/topics/{topic}/schemas', { params: { path: { topic } } }));
  }

  rotateProducerGroupSecret(group: string) {
    return unwrap(
      this.api.POST('/v1/producer-groups/{group}/rotate-secret', { params: { path: { group } } }),
    );
  }

  // ── transactions (§5) ──
  prepare(body: PrepareInput, options: CreateOptions = {}): Promise<PreparedTransaction> {
    const key = options.idempotencyKey ?? randomUUID();
    // The trace context is taken where the call is made: a coalesced call goes out later, elsewhere.
    const trace = activeTraceFields();
    return this.prepares ? this.prepares.add({ body, key, trace }) : this.prepareOne(body, key, trace);
  }

  commit(id: string): Promise<Transaction> {
    return this.sendVerdict(id, 'COMMIT');
  }

  rollback(id: string): Promise<Transaction> {
    return this.sendVerdict(id, 'ROLLBACK');
  }

  private sendVerdict(id: string, verdict: VerdictName): Promise<Transaction> {
    const trace = activeTraceFields();
    return this.verdicts ? this.verdicts.add({ id, verdict, trace }) : this.decideOne(id, verdict, trace);
  }

  private prepareOne(body: PrepareInput, key: string, trace: TraceFields) {
    return unwrap(this.api.POST('/v1/transactions', { body, headers: { 'Idempotency-Key': key, ...trace } }));
  }

  private decideOne(id: string, verdict: VerdictName, trace: TraceFields) {
    const path = verdict === 'COMMIT' ? '/v1/transactions/{id}/commit' : '/v1/transactions/{id}/rollback';
    return unwrap(this.api.POST(path, { params: { path: { id } }, headers: { ...trace } }));
  }

  /**
   * Coalesced prepares: one alone as its own call, several as `POST /v1/transactions/batch`, each
   * entry with its caller's trace context.
   */
  private async prepareMany(
    items: { body: PrepareInput; key: string; trace: TraceFields }[],
  ): Promise<Settled<PreparedTransaction>[]> {
    if (items.length === 1)
      return [await settle(this.prepareOne(items[0].body, items[0].key, items[0].trace))];
    const transactions = items.map(({ body, key, trace }) => ({ ...body, idempotencyKey: key, ...trace }));
    const answer = await unwrap(this.api.POST('/v1/transactions/batch', { body: { transactions } }));
    return answer.results.map(entryOutcome);
  }

  /** Coalesced verdicts: one alone as its own call, several as `POST /v1/transactions/verdicts`. */
  private async decideMany(
    items: { id: string; verdict: VerdictName; trace: TraceFields }[],
  ): Promise<Settled<Transaction>[]> {
    if (items.length === 1)
      return [await settle(this.decideOne(items[0].id, items[0].verdict, items[0].trace))];
    const verdicts = items.map(({ id, verdict, trace }) => ({ id, verdict, ...trace }));
    const answer = await unwrap(this.api.POST('/v1/transactions/verdicts', { body: { verdicts } }));
    return answer.results.map(entryOutcome);
  }

  getTransaction(id: string) {
    return unwrap(this.api.GET('/v1/transactions/{id}', { params: { path: { id } } }));
  }

  // ── plain sends (§6) ──
  send(topic: string, message: SendInput, options: CreateOptions = {}) {
    return unwrap(
      this.api.POST('/v1/topics/{topic}/messages', {
        params: { path: { topic } },
        body: message,
        headers: { ...idempotencyHeader(options), ...activeTraceFields() },
      }),
    );
  }

  sendBatch(topic: string, messages: SendInput[], options: CreateOptions = {}) {
    return unwrap(
      this.api.POST('/v1/topics/{topic}/messages/batch', {
        params: { path: { topic } },
        body: { messages },
        headers: { ...idempotencyHeader(options), ...activeTraceFields() },
      }),
    );
  }

  // ── consumer groups and pull delivery (§7) ──
  putConsumerGroup(group: string, body: ConsumerGroupInput): Promise<PutConsumerGroupAnswer> {
    return unwrap(this.api.PUT('/v1/consumer-groups/{group}', { params: { path: { group } }, body }));
  }

  /** A group's config and `stats` (backlog, `paused`, each push endpoint's circuit). */
  getConsumerGroup(group: string) {
    return unwrap(this.api.GET('/v1/consumer-groups/{group}', { params: { path: { group } } }));
  }

  /** Stops all delivery to the group (admin or operator token); its backlog waits. */
  pauseConsumerGroup(group: string) {
    return unwrap(this.api.POST('/v1/consumer-groups/{group}/pause', { params: { path: { group } } }));
  }

  /** Delivers the group's backlog again, in order. */
  resumeConsumerGroup(group: string) {
    return unwrap(this.api.POST('/v1/consumer-groups/{group}/resume', { params: { path: { group } } }));
  }

  /** A long poll: its time-out is the retry time-out plus the wait; `signal` cuts it short. */
  receive(group: string, body: ReceiveInput = {}, signal?: AbortSignal) {
    const waitMs = (body.waitSeconds ?? 20) * 1000;
    return unwrap(
      this.api.POST('/v1/consumer-groups/{group}/receive', {
        params: { path: { group } },
        body,
        headers: { 'x-txmsg-extra-timeout-ms': String(waitMs) },
        ...(signal ? { signal } : {}),
      }),
    );
  }

  ack(group: string, receiptHandles: string[]) {
    return unwrap(
      this.api.POST('/v1/consumer-groups/{group}/ack', {
        params: { path: { group } },
        body: { receiptHandles },
      }),
    );
  }

  nack(group: string, receiptHandle: string, retryAfterSeconds?: number) {
    return unwrap(
      this.api.POST('/v1/consumer-groups/{group}/nack', {
        params: { path: { group } },
        body: { receiptHandle, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
      }),
    );
  }

  extendVisibility(group: string, receiptHandle: string, invisibleSeconds: number) {
    return unwrap(
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
    // A refused claim's 409 body carries `claimed: false` and the key's state beside the error.
    if (response.status === 409) return error as unknown as Claim;
    if (!response.ok) throw errorOf(response.status, error, response.statusText);
    return data as Claim;
  }

  completeClaim(group: string, key: string, token: string) {
    return unwrap(
      this.api.POST('/v1/consumer-groups/{group}/claims/{key}/complete', {
        params: { path: { group, key } },
        body: { token },
      }),
    );
  }

  releaseClaim(group: string, key: string, token: string) {
    return unwrap(
      this.api.POST('/v1/consumer-groups/{group}/claims/{key}/release', {
        params: { path: { group, key } },
        body: { token },
      }),
    );
  }

  // ── query (§9) ──
  getMessage(id: string) {
    return unwrap(this.api.GET('/v1/messages/{id}', { params: { path: { id } } }));
  }

  listMessages(query: MessageListQuery = {}) {
    return unwrap(this.api.GET('/v1/messages', { params: { query } }));
  }
}

async function settle<T>(call: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A batch entry as its single call would have ended: its value, its error, or a retry (503). */
function entryOutcome<T>(entry: EntryResult<T>): Settled<T> {
  if (entry.status < 300) return { ok: true, value: entry.transaction as T };
  return { ok: false, error: errorOf(entry.status, entry.error), retry: entry.status === 503 };
}

function idempotencyHeader(options: CreateOptions): Record<string, string> {
  return { 'Idempotency-Key': options.idempotencyKey ?? randomUUID() };
}

/** The answer's body, typed by the document's 2xx schema for the route; an error status throws. */
async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw errorOf(response.status, error, response.statusText);
  return data as T;
}

/** The error of an answer with `status` and the SPEC's error body (or text) `error`. */
function errorOf(status: number, error: unknown, statusText = `HTTP ${status}`): TxmsgError {
  const body = (error ?? {}) as { error?: unknown; message?: unknown; details?: unknown };
  return new TxmsgError(
    status,
    typeof body.error === 'string' ? body.error : `http_${status}`,
    typeof body.message === 'string' ? body.message : typeof error === 'string' ? error : statusText,
    Array.isArray(body.details) ? body.details : [],
  );
}
