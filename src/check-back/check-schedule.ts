// When to ask again (SPEC §5): after the n-th unanswered check, wait min(interval × 2^(n-1), maxInterval).
export function nextCheckDelaySeconds(
  checksSent: number,
  intervalSeconds: number,
  maxIntervalSeconds: number,
): number {
  const exponent = Math.max(0, checksSent - 1);
  return Math.min(intervalSeconds * 2 ** Math.min(exponent, 40), maxIntervalSeconds);
}
