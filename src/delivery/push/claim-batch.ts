// Concurrent push jobs share one claim statement (`PUSH_CLAIM_SQL`); this is how the claimed rows
// come back to the jobs that asked. The same attempt can be asked for twice in one batch — the
// committing instance's hand-over, the follow-up of a freed ordered key and the reconciler each
// queue the attempt they see due, and their jobs may meet in one batch — and the statement claims
// the row once. Exactly one of those requests gets it, as if they had run one after the other:
// the second would have found it claimed.
import type { PushAttempt } from '../dispatch/push-job';

/** Each request's claimed row, or undefined: a row goes to the first request for its attempt. */
export function claimsPerRequest<Row extends { id: string; attempts: number }>(
  requests: PushAttempt[],
  rows: Row[],
): (Row | undefined)[] {
  const unclaimed = new Map(rows.map((row) => [row.id, row]));
  return requests.map(({ deliveryId, attempt }) => {
    const row = unclaimed.get(deliveryId);
    if (row === undefined || row.attempts !== attempt) return undefined;
    unclaimed.delete(deliveryId);
    return row;
  });
}
