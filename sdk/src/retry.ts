// Retries for requests to txmsg: connection errors, time-outs and 503 are retried with
// exponential backoff and full jitter (503's Retry-After honoured); any other answer, 4xx
// included, is returned at once. Creates carry an Idempotency-Key, so a retry never duplicates.
import { TxmsgError } from './errors';

export interface RetryOptions {
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** First backoff (default 100 ms); doubles each retry, up to `maxDelayMs` (default 5 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Each attempt's time-out (default 10 s); a receive's long poll adds its wait to it. */
  timeoutMs?: number;
}

export type Fetch = (input: Request) => Promise<Response>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The backoff before retry number `attempt` (0-based): random in [0, min(max, base × 2^attempt)]. */
export function backoffMs(attempt: number, options: RetryOptions = {}): number {
  const ceiling = Math.min(options.maxDelayMs ?? 5000, (options.baseDelayMs ?? 100) * 2 ** attempt);
  return Math.random() * ceiling;
}

/** A fetch that retries as described above; `extraTimeoutMs` extends one request's time-out. */
export function retryingFetch(options: RetryOptions = {}, fetchImpl: typeof fetch = fetch): Fetch {
  const retries = options.retries ?? 5;
  return async (input: Request) => {
    const extra = Number(input.headers.get('x-txmsg-extra-timeout-ms') ?? 0);
    for (let attempt = 0; ; attempt++) {
      // The caller's signal (a consumer stopping) and this attempt's time-out.
      const request = new Request(input.clone(), {
        signal: AbortSignal.any([input.signal, AbortSignal.timeout((options.timeoutMs ?? 10_000) + extra)]),
      });
      request.headers.delete('x-txmsg-extra-timeout-ms');
      let response: Response;
      try {
        response = await fetchImpl(request);
      } catch (error) {
        if (input.signal.aborted) throw error;
        if (attempt >= retries) {
          throw new TxmsgError(0, 'connection_failed', `txmsg unreachable: ${describe(error)}`);
        }
        await sleep(backoffMs(attempt, options));
        continue;
      }
      if (response.status !== 503 || attempt >= retries) return response;
      const retryAfter = Number(response.headers.get('retry-after'));
      await response.body?.cancel();
      await sleep(
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoffMs(attempt, options),
      );
    }
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
