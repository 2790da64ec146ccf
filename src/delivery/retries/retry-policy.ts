// When a failed delivery is tried again (SPEC §7): RocketMQ's 16 steps by default, Retry-After
// honoured on 429/503, dead letter once `maxRetries` retries have failed.
import { isOutOfRetries } from '../delivery-state';

/** A Retry-After longer than this is clamped: a consumer cannot park a message for weeks. */
export const MAX_RETRY_AFTER_SECONDS = 86_400;

export type AfterFailure = { state: 'dead' } | { state: 'retrying'; delaySeconds: number };

/** Wait after failed attempt `attempt` (1-based): that step of the schedule, its last step beyond it. */
export function backoffSeconds(schedule: readonly number[], attempt: number): number {
  return schedule[Math.min(attempt, schedule.length) - 1];
}

/** Attempt `attempt` failed: retry (attempt ≤ maxRetries, i.e. retries are left) or dead-letter. */
export function afterFailure(
  attempt: number,
  maxRetries: number,
  schedule: readonly number[],
  retryAfterSeconds: number | null = null,
): AfterFailure {
  if (isOutOfRetries(attempt, maxRetries)) return { state: 'dead' };
  return { state: 'retrying', delaySeconds: retryAfterSeconds ?? backoffSeconds(schedule, attempt) };
}

/** Reads a Retry-After header (delay-seconds or HTTP date) for 429 and 503 answers only. */
export function retryAfterSeconds(
  status: number | null,
  header: string | string[] | undefined,
  now = Date.now(),
): number | null {
  if ((status !== 429 && status !== 503) || header === undefined) return null;
  const value = (Array.isArray(header) ? header[0] : header).trim();
  let seconds: number;
  if (/^\d+$/.test(value)) seconds = Number(value);
  else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return null;
    seconds = Math.max(0, Math.ceil((at - now) / 1000));
  }
  return Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
}
