// Builds and sends one push request (SPEC §7): the message as JSON, Standard Webhooks headers
// with webhook-id = message id (stable across retries), and txmsg-* headers.
import type { OutboundPolicy } from '../../common/http/outbound-policy';
import { postJson } from '../../common/http/outbound-request';
import { signWebhook } from '../../common/signing/webhook-secret';
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
  });
  // The body goes out byte for byte as the producer sent it (stored as json, not re-encoded).
  return `${envelope.slice(0, -1)},"body":${delivery.body}}`;
}

export async function sendPush(
  url: string,
  delivery: ClaimedPush,
  policy: OutboundPolicy,
): Promise<PushResult> {
  const payload = pushPayload(delivery);
  const headers = {
    ...signWebhook([delivery.secret], delivery.messageId, payload),
    'txmsg-attempt': String(delivery.attempts),
    'txmsg-topic': delivery.topic,
    'txmsg-consumer-group': delivery.consumerGroup,
  };
  const response = await postJson(url, payload, headers, delivery.pushTimeoutMs, 16 * 1024, policy);
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
