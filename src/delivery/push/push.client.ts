// Builds and sends one push request (SPEC §7): the message as JSON, Standard Webhooks headers
// with webhook-id = message id (stable across retries), and txmsg-* headers.
import type { OutboundPolicy } from '../../common/http/outbound-policy';
import { postJson } from '../../common/http/outbound-request';
import { signWebhook } from '../../common/signing/webhook-secret';
import { newId } from '../../common/ids';
import type { ClaimedPush } from './push.repository';
import { retryAfterSeconds } from '../retries/retry-policy';

export interface PushResult {
  ok: boolean;
  httpStatus: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
  retryAfterSeconds: number | null;
}

const EXCERPT_CHARS = 512;

export function pushPayload(delivery: ClaimedPush): string {
  const envelope = JSON.stringify({
    id: delivery.messageId,
    topic: delivery.topic,
    key: delivery.key,
    tag: delivery.tag,
    headers: delivery.headers,
    shardingKey: delivery.shardingKey,
    publishedAt: delivery.publishedAt.toISOString(),
    attempt: delivery.attempts,
    ...(delivery.traceparent && { traceparent: delivery.traceparent }),
    ...(delivery.tracestate && { tracestate: delivery.tracestate }),
    ...(delivery.schemaVersion !== null && { schemaVersion: delivery.schemaVersion }),
  });
  // The body goes out byte for byte as the producer sent it (stored as json, not re-encoded).
  return `${envelope.slice(0, -1)},"body":${delivery.body}}`;
}

/**
 * One request for several claimed deliveries of a group (`delivery.batch`): `{messages: [...]}`,
 * signed over the whole body. A 2xx acks every message but those the consumer lists in
 * `{failed: [ids]}`; anything else, or a time-out, fails them all (Retry-After for all).
 */
export async function sendPushBatch(
  url: string,
  deliveries: ClaimedPush[],
  policy: OutboundPolicy,
): Promise<PushResult[]> {
  const [first] = deliveries;
  const payload = `{"messages":[${deliveries.map(pushPayload).join(',')}]}`;
  const headers = {
    ...signWebhook([first.secret], `batch_${newId()}`, payload),
    'txmsg-topic': first.topic,
    'txmsg-consumer-group': first.consumerGroup,
    'txmsg-batch-size': String(deliveries.length),
  };
  const response = await postJson(url, payload, headers, first.pushTimeoutMs, 16 * 1024, policy);
  const whole = toResult(response);
  if (!whole.ok || response.statusCode === null) return deliveries.map(() => whole);
  const failed = failedIds(response.text);
  return deliveries.map((delivery) =>
    failed.has(delivery.messageId)
      ? {
          ...whole,
          ok: false,
          error: 'listed as failed by the consumer in its 2xx answer',
          retryAfterSeconds: null,
        }
      : whole,
  );
}

/** The ids a batch answer lists under `failed` (none when the body says nothing of it). */
function failedIds(text: string): Set<string> {
  try {
    const body = JSON.parse(text) as { failed?: unknown };
    return new Set(Array.isArray(body.failed) ? body.failed.filter((id) => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

export async function sendPush(
  url: string,
  delivery: ClaimedPush,
  policy: OutboundPolicy,
  traceHeaders: Record<string, string> = {},
): Promise<PushResult> {
  const payload = pushPayload(delivery);
  const headers = {
    ...signWebhook([delivery.secret], delivery.messageId, payload),
    'txmsg-attempt': String(delivery.attempts),
    'txmsg-topic': delivery.topic,
    'txmsg-consumer-group': delivery.consumerGroup,
    ...(delivery.schemaVersion !== null && { 'txmsg-schema-version': String(delivery.schemaVersion) }),
    ...traceHeaders,
  };
  return toResult(await postJson(url, payload, headers, delivery.pushTimeoutMs, 16 * 1024, policy));
}

function toResult(response: Awaited<ReturnType<typeof postJson>>): PushResult {
  if (response.statusCode === null) {
    return {
      ok: false,
      httpStatus: null,
      latencyMs: response.latencyMs,
      excerpt: null,
      error: response.error,
      retryAfterSeconds: null,
    };
  }
  const ok = response.statusCode >= 200 && response.statusCode < 300;
  const excerpt = response.text.length > 0 ? response.text.slice(0, EXCERPT_CHARS) : null;
  return {
    ok,
    httpStatus: response.statusCode,
    latencyMs: response.latencyMs,
    excerpt,
    error: ok ? null : `HTTP ${response.statusCode}${excerpt ? `: ${excerpt.slice(0, 200)}` : ''}`,
    retryAfterSeconds: retryAfterSeconds(response.statusCode, response.headers['retry-after']),
  };
}
