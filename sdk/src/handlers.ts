// The two endpoints a txmsg user serves: the producer's check-back and a push consumer's webhook.
import { withTraceOf } from './trace';
import type { CheckRequest, PushedMessage, Verdict } from './types';
import { signedJsonHandler, type WebhookHandler } from './webhooks';

export interface CheckbackOptions {
  /** The producer group's secret; during a rotation, the new one and the previous one. */
  secrets: string[];
  /** The verdict for a transaction txmsg has not heard about; with the barrier: `Txmsg.decide`. */
  decide: (check: CheckRequest) => Promise<Verdict>;
}

/**
 * Answers txmsg's check-backs (SPEC §5): exactly `{"status": "COMMIT" | "ROLLBACK" | "UNKNOWN"}`
 * with 200. A bad signature is 401 and a failing `decide` 500, which txmsg records as an error and
 * treats as UNKNOWN: it checks again later.
 */
export function checkbackHandler(options: CheckbackOptions): WebhookHandler {
  return signedJsonHandler<CheckRequest>(options.secrets, async (check) => {
    if (check.type !== 'transaction.check' || typeof check.transactionId !== 'string') {
      return { status: 400, body: { error: 'not_a_check' } };
    }
    const status = await options.decide(check);
    return { status: 200, body: { status } };
  });
}

/** What a push handler may answer instead of success: deliver again after this many seconds. */
export interface RetryLater {
  retryAfterSeconds: number;
}

export interface PushOptions {
  /** The consumer group's secret … */
  secret?: string;
  /** … or several: during a rotation, the new one and the previous one. */
  secrets?: string[];
  /**
   * Resolves: 200 (acked). Resolves to `{retryAfterSeconds}`: 503 with Retry-After. Throws: 500,
   * retried on the group's backoff.
   */
  handle: (message: PushedMessage) => Promise<unknown>;
}

/**
 * Answers pushes (SPEC §7), one message a request or a batch (`delivery.batch`): a batch calls
 * `handle` for every message at once and answers 200 with `{failed: [ids]}` naming those that
 * threw or asked for a delay, so txmsg retries only them.
 */
export function pushHandler(options: PushOptions): WebhookHandler {
  const secrets = [...(options.secret ? [options.secret] : []), ...(options.secrets ?? [])];
  return signedJsonHandler<PushedMessage | { messages: PushedMessage[] }>(
    secrets,
    async (pushed, headers) => {
      if ('messages' in pushed && Array.isArray(pushed.messages)) {
        const outcomes = await Promise.allSettled(
          pushed.messages.map((m) => withTraceOf(m, () => options.handle(m))),
        );
        const failed = pushed.messages
          .filter((_, i) => {
            const outcome = outcomes[i];
            return outcome.status === 'rejected' || retryAfterOf(outcome.value) !== undefined;
          })
          .map((m) => m.id);
        return { status: 200, body: { failed } };
      }
      const message = pushed as PushedMessage;
      // The request's own traceparent has txmsg's push span as the parent when txmsg traces.
      const fields = {
        traceparent: firstOf(headers.traceparent) ?? message.traceparent,
        tracestate: firstOf(headers.tracestate) ?? message.tracestate,
      };
      const seconds = retryAfterOf(await withTraceOf(fields, () => options.handle(message)));
      if (seconds !== undefined) {
        return {
          status: 503,
          headers: { 'retry-after': String(seconds) },
          body: { retryAfterSeconds: seconds },
        };
      }
      return { status: 200, body: { ok: true } };
    },
  );
}

/** The delay a handler asked for by resolving to `{retryAfterSeconds}`, in whole seconds. */
export function retryAfterOf(outcome: unknown): number | undefined {
  const seconds = (outcome as Partial<RetryLater> | null | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' ? Math.max(0, Math.ceil(seconds)) : undefined;
}

const firstOf = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
