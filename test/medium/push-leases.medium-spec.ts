// The push worker's claim and record, and the expiry of leases, as SQL against a cloned,
// migrated database — the statements the repositories run, without HTTP or queues. They fence:
// a repeated or stale job claims nothing; an outcome whose lease ran out records nothing.
import { uuidV7 } from '../support/uuid-v7';
import { EXPIRE_LEASES_SQL } from '../../src/delivery/dispatch/deliveries.sql';
import {
  PUSH_CLAIM_SQL,
  PUSH_RECORD_SQL,
  pushClaimParams,
  pushRecordParams,
} from '../../src/delivery/push/push.sql';
import type { PushOutcome } from '../../src/delivery/push/push.repository';
import { claimsPerRequest } from '../../src/delivery/push/claim-batch';
import { useTestDatabase } from '../support/test-database';

/** The service's default TXMSG_PUSH_LEASE_MARGIN_SECONDS. */
const LEASE_MARGIN_SECONDS = 30;

describe('push claim, record and lease expiry (medium: SQL on a real database)', () => {
  const db = useTestDatabase();
  const sql = <T = any>(text: string, params: unknown[] = []) => db.sql<T>(text, params);
  let seq = 0;

  beforeAll(async () => {
    await sql(`INSERT INTO topics (name) VALUES ('orders')`);
    await sql(
      `INSERT INTO consumer_groups (name, topic, mode, delivery_type, push_urls, push_timeout_ms, max_concurrency,
                                    max_retries, retry_backoff_seconds, secret, start_seq)
       VALUES ('shipping', 'orders', 'clustering', 'push', '{http://127.0.0.1:9/}', 1000, 4, 1, '{1}', 'whsec_x', 0)`,
    );
  });

  /** A committed message with a pending delivery to `shipping`; returns the delivery id. */
  async function pendingDelivery(): Promise<string> {
    const messageId = uuidV7();
    const deliveryId = uuidV7();
    seq++;
    await sql(
      `INSERT INTO messages (id, topic, state, body, published_at, commit_seq) VALUES ($1, 'orders', 'COMMITTED', '{"n":1}', now(), $2)`,
      [messageId, seq],
    );
    await sql(
      `INSERT INTO deliveries (id, message_id, consumer_group, state, commit_seq, available_at) VALUES ($1, $2, 'shipping', 'pending', $3, now())`,
      [deliveryId, messageId, seq],
    );
    return deliveryId;
  }
  const claim = (deliveryId: string, attempt: number) =>
    sql(PUSH_CLAIM_SQL, pushClaimParams([{ deliveryId, attempt }], LEASE_MARGIN_SECONDS));
  const outcome = (id: string, attempt: number, nextState: PushOutcome['nextState']): PushOutcome => ({
    id,
    attempt,
    startedAt: new Date(),
    ordered: false,
    free: false,
    outcome: nextState === 'acked' ? 'acked' : 'failed',
    nextState,
    delaySeconds: 1,
    httpStatus: nextState === 'acked' ? 200 : 500,
    latencyMs: 3,
    excerpt: null,
    error: nextState === 'acked' ? null : 'HTTP 500',
  });
  const record = (o: PushOutcome) => sql(PUSH_RECORD_SQL, pushRecordParams([o]));
  const delivery = async (id: string) => (await sql(`SELECT * FROM deliveries WHERE id = $1`, [id]))[0];
  const attempts = (id: string) =>
    sql(`SELECT attempt, outcome FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id`, [id]);
  const expire = () => sql(EXPIRE_LEASES_SQL, [null, '']);

  it('claims an attempt once, with a lease of the time-out plus the margin', async () => {
    const id = await pendingDelivery();
    const [claimed] = await claim(id, 1);
    expect(claimed).toMatchObject({ id, attempts: 1, body: '{"n":1}', topic: 'orders' });
    const row = await delivery(id);
    expect(row.state).toBe('inflight');
    const leaseSeconds = (row.lease_until.getTime() - Date.now()) / 1000;
    expect(leaseSeconds).toBeGreaterThan(LEASE_MARGIN_SECONDS);
    expect(leaseSeconds).toBeLessThanOrEqual(LEASE_MARGIN_SECONDS + 1 + 1);
    expect(await claim(id, 1)).toEqual([]); // the same job again
    expect(await claim(id, 2)).toEqual([]); // a later attempt while this one is in flight
  });

  it('claims an attempt asked for twice in one statement once (the hand-overs that met in a batch)', async () => {
    const id = await pendingDelivery();
    const requests = [
      { deliveryId: id, attempt: 1 },
      { deliveryId: id, attempt: 1 },
    ];
    const rows = await sql(PUSH_CLAIM_SQL, pushClaimParams(requests, LEASE_MARGIN_SECONDS));
    expect(rows.map((r) => [r.id, r.attempts])).toEqual([[id, 1]]);
    // …and the batch hands that one row to one of the two jobs (claimsPerRequest).
    expect(claimsPerRequest(requests, rows).filter(Boolean)).toHaveLength(1);
  });

  it('records the outcome of the attempt that holds the lease, once, and counts the ack', async () => {
    const id = await pendingDelivery();
    await claim(id, 1);
    const [{ acked_total: before }] = await sql(
      `SELECT acked_total FROM consumer_groups WHERE name = 'shipping'`,
    );
    expect(await record(outcome(id, 2, 'acked'))).toEqual([]); // not the attempt in flight
    expect(await record(outcome(id, 1, 'acked'))).toEqual([expect.objectContaining({ id, state: 'acked' })]);
    expect(await record(outcome(id, 1, 'acked'))).toEqual([]); // a repeat records nothing
    expect(await attempts(id)).toEqual([{ attempt: 1, outcome: 'acked' }]);
    const [{ acked_total: after }] = await sql(
      `SELECT acked_total FROM consumer_groups WHERE name = 'shipping'`,
    );
    expect(Number(after) - Number(before)).toBe(1);
  });

  it('expires a lease that ran out: retrying with an expired attempt, then fences the late outcome', async () => {
    const id = await pendingDelivery();
    await claim(id, 1);
    await sql(`UPDATE deliveries SET lease_until = now() - interval '1 second' WHERE id = $1`, [id]);
    const requeued = await expire();
    expect(requeued).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, attempt: 2, delivery_type: 'push' })]),
    );
    expect(await delivery(id)).toMatchObject({ state: 'retrying', attempts: 1, lease_until: null });
    expect(await attempts(id)).toEqual([{ attempt: 1, outcome: 'expired' }]);
    const trace = await sql(
      `SELECT type, attempt, detail FROM trace_events WHERE message_id = (SELECT message_id FROM deliveries WHERE id = $1)`,
      [id],
    );
    expect(trace).toEqual([{ type: 'retried', attempt: 1, detail: { nextAttemptAt: expect.any(String) } }]);
    // The worker that held the lease answers late: nothing is recorded, the next attempt goes on.
    expect(await record(outcome(id, 1, 'acked'))).toEqual([]);
    expect(await claim(id, 2)).toEqual([expect.objectContaining({ id, attempts: 2 })]);
  });

  it('dead-letters an expired attempt that used the last retry', async () => {
    const id = await pendingDelivery();
    await claim(id, 1);
    await record(outcome(id, 1, 'retrying'));
    await sql(`UPDATE deliveries SET available_at = now() WHERE id = $1`, [id]);
    await claim(id, 2); // maxRetries 1: this is the last try
    await sql(`UPDATE deliveries SET lease_until = now() - interval '1 second' WHERE id = $1`, [id]);
    const requeued = await expire();
    expect(requeued.map((r: any) => r.id)).not.toContain(id);
    const row = await delivery(id);
    expect(row.state).toBe('dead');
    expect(row.dead_at).not.toBeNull();
    expect(await attempts(id)).toEqual([
      { attempt: 1, outcome: 'failed' },
      { attempt: 2, outcome: 'expired' },
    ]);
  });
});
