import { DEFAULT_RETRY_BACKOFF_SECONDS } from '../../consumer-groups/consumer-group.defaults';
import { afterFailure, backoffSeconds, retryAfterSeconds } from './retry-policy';

describe('retry policy', () => {
  it('waits the n-th step after the n-th failed attempt', () => {
    expect(backoffSeconds(DEFAULT_RETRY_BACKOFF_SECONDS, 1)).toBe(10);
    expect(backoffSeconds(DEFAULT_RETRY_BACKOFF_SECONDS, 2)).toBe(30);
    expect(backoffSeconds(DEFAULT_RETRY_BACKOFF_SECONDS, 16)).toBe(7200);
  });

  it('keeps the last step when attempts outrun the schedule', () => {
    expect(backoffSeconds([1, 2], 5)).toBe(2);
  });

  it('retries while retries are left and dead-letters after maxRetries retries failed', () => {
    expect(afterFailure(1, 2, [5, 7])).toEqual({ state: 'retrying', delaySeconds: 5 });
    expect(afterFailure(2, 2, [5, 7])).toEqual({ state: 'retrying', delaySeconds: 7 });
    expect(afterFailure(3, 2, [5, 7])).toEqual({ state: 'dead' });
  });

  it('dead-letters on the first failure when maxRetries is 0', () => {
    expect(afterFailure(1, 0, [5])).toEqual({ state: 'dead' });
  });

  it('prefers Retry-After over the schedule', () => {
    expect(afterFailure(1, 3, [5], 42)).toEqual({ state: 'retrying', delaySeconds: 42 });
  });

  it('reads Retry-After seconds and dates on 429 and 503 only', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds(429, '3', now)).toBe(3);
    expect(retryAfterSeconds(503, 'Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
    expect(retryAfterSeconds(500, '3', now)).toBeNull();
    expect(retryAfterSeconds(429, undefined, now)).toBeNull();
    expect(retryAfterSeconds(429, 'soon', now)).toBeNull();
  });

  it('clamps a Retry-After beyond a day', () => {
    expect(retryAfterSeconds(429, '999999999')).toBe(86_400);
  });
});
