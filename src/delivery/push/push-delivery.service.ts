// Push delivery (SPEC §7): claims one attempt of a delivery, POSTs it to the consumer, records the
// outcome, and queues what follows (the retry, or the next message of an ordered key). Claims and
// records from concurrent jobs are group-committed: one statement each per batch.
import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../../config/app-config';
import { GroupCommit, succeeded, type GroupCommitOptions } from '../../common/group-commit';
import { leaseDeadline, retryWhileUnavailable } from '../../common/errors/unavailable';
import { OutboundPolicy } from '../../common/http/outbound-policy';
import { Semaphore } from '../../common/semaphore';
import { DeliveriesRepository, type QueuedDelivery } from '../dispatch/deliveries.repository';
import { deadLettersTotal, deliveryAttemptsTotal, pushLatency } from '../delivery.metrics';
import { sendPush, type PushResult } from './push.client';
import type { DeliverJobData, PushAttempt } from '../dispatch/push-job';
import { PushQueue } from '../dispatch/push-queue';
import { PushRepository, type ClaimedPush, type PushOutcome, type RecordedPush } from './push.repository';
import { claimsPerRequest } from './claim-batch';
import { PushBatcher } from './push-batcher';
import { ConsumerGroupsService } from '../../consumer-groups/consumer-groups.service';
import { KeyDedupe } from '../../dedupe/key-dedupe';
import { afterFailure } from '../retries/retry-policy';
import { observeBatches } from '../../observability/group-commit.metrics';
import { inSpan, outgoingTraceHeaders, SpanKind, storedTrace } from '../../observability/trace-context';
import { CircuitBreaker } from '../controls/circuit-breaker';
import { RateLimiter } from '../controls/rate-limiter';
import type { ConsumerGroupRow } from '../../consumer-groups/consumer-group.row';

/** Claims and outcomes of concurrent push jobs: one statement per batch of up to 500. */
const PUSH_GROUP_COMMIT: GroupCommitOptions = { maxBatch: 500, maxInFlight: 4 };

/** Slots a push may take when it keeps missing them; then it goes late rather than never. */
const MAX_SLOT_TRIES = 4;

@Injectable()
export class PushDeliveryService {
  private readonly logger = new Logger('push');
  private readonly limits = new Map<string, Semaphore>();
  private readonly batcher: PushBatcher;
  private readonly claims = new GroupCommit<PushAttempt, ClaimedPush | undefined>(
    async (attempts) => claimsPerRequest(attempts, await this.push.claim(attempts)).map(succeeded),
    { ...PUSH_GROUP_COMMIT, onBatch: observeBatches('push_claim') },
  );
  private readonly records = new GroupCommit<PushOutcome, void>(
    async (outcomes) => {
      const recorded = await this.push.record(outcomes);
      await this.followUp(outcomes, recorded);
      return outcomes.map(() => succeeded(undefined));
    },
    { ...PUSH_GROUP_COMMIT, onBatch: observeBatches('push_record') },
  );

  constructor(
    private readonly push: PushRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: PushQueue,
    private readonly keyDedupe: KeyDedupe,
    private readonly outbound: OutboundPolicy,
    private readonly groups: ConsumerGroupsService,
    private readonly config: AppConfig,
    private readonly circuits: CircuitBreaker,
    private readonly rateLimiter: RateLimiter,
  ) {
    this.batcher = new PushBatcher(outbound);
  }

  /** A job's attempts, concurrently within the group's limit. */
  async deliver(job: DeliverJobData): Promise<void> {
    const { slot, config } = await this.slotFor(job.group);
    const results = await Promise.allSettled(
      job.attempts.map((attempt) => this.attempt(job.group, attempt, slot, config?.pushMaxPerSecond ?? null)),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason; // BullMQ retries the job; claimed attempts are skipped then
  }

  /**
   * One attempt; a stale or repeated one finds nothing to claim and does nothing, and so does one
   * held back (group paused, circuit open). Under a rate limit a claimed attempt reserves its slot
   * and waits for it; a wait longer than half the lease margin extends the lease by the wait first.
   */
  private async attempt(
    group: string,
    attempt: PushAttempt,
    slot: Semaphore,
    maxPerSecond: number | null,
  ): Promise<void> {
    await slot.acquire();
    try {
      const delivery = await this.claims.add(attempt);
      if (!delivery) return;
      if (maxPerSecond !== null) await this.waitForRate(group, delivery, maxPerSecond);
      const startedAt = new Date();
      const remember = (outcome: PushOutcome) => this.remember(outcome, startedAt, delivery.pushTimeoutMs);
      if (!(await this.keyDedupe.isFirst(delivery))) {
        await remember(skipped(delivery, startedAt, 'deduplicated', null));
        deliveryAttemptsTotal.inc({ consumer_group: group, outcome: 'deduplicated' });
        return;
      }
      const url = delivery.mode === 'broadcasting' ? delivery.member : delivery.pushUrls[0];
      if (!delivery.pushUrls.includes(url)) {
        // A broadcast member removed from the group's urls since: nobody to deliver to.
        await remember(skipped(delivery, startedAt, 'failed', `${url} is no longer among the group's urls`));
        return;
      }
      const result = await this.send(url, delivery);
      if (delivery.circuitFailures !== null) {
        await this.circuits.observe({ group, url, ok: result.ok, error: result.error });
      }
      await remember(toOutcome(delivery, startedAt, result));
      deliveryAttemptsTotal.inc({ consumer_group: group, outcome: result.ok ? 'acked' : 'failed' });
      pushLatency.observe({ consumer_group: group }, result.latencyMs / 1000);
    } finally {
      slot.release();
    }
  }

  /**
   * Records what the consumer answered. While Postgres is unreachable the outcome is kept and
   * retried for as long as this attempt's lease lasts, so a 2xx given during a database blip is
   * never turned into a redelivery; only a lease that runs out (the reconciler then counts the
   * attempt as expired) lets the message go out again.
   */
  private remember(outcome: PushOutcome, startedAt: Date, timeoutMs: number): Promise<void> {
    return retryWhileUnavailable(
      () => this.records.add(outcome),
      leaseDeadline(startedAt.getTime(), timeoutMs, this.config.delivery.leaseMarginSeconds),
      (error) =>
        this.logger.warn({
          msg: 'could not record a push outcome yet; retrying',
          deliveryId: outcome.id,
          error: String(error),
        }),
    );
  }

  /** One push attempt in a span, a child of the message's trace context (SPEC §5). */
  private send(url: string, delivery: ClaimedPush): Promise<PushResult> {
    const trace = storedTrace(delivery);
    return inSpan(
      'txmsg push',
      {
        kind: SpanKind.CLIENT,
        parent: trace,
        attributes: {
          'txmsg.consumer_group': delivery.consumerGroup,
          'txmsg.message_id': delivery.messageId,
          'txmsg.attempt': delivery.attempts,
        },
      },
      async (span) => {
        const result = delivery.pushBatchMaxMessages
          ? await this.batcher.send(url, delivery)
          : await sendPush(url, delivery, this.outbound, outgoingTraceHeaders(span, trace));
        if (result.httpStatus !== null) span.setAttribute('http.response.status_code', result.httpStatus);
        return result;
      },
    );
  }

  /**
   * Waits for the push's slot under the group's rate limit. A stall (a busy event loop, a slow
   * answer from Redis) can leave a push behind its slot; sent then, it would arrive together with
   * the pushes of the next slots, over the limit. So a push late by more than half a slot takes
   * a new one (the missed slot goes unused: under stalls the rate falls short, never over).
   */
  private async waitForRate(group: string, delivery: ClaimedPush, maxPerSecond: number): Promise<void> {
    const slotMs = 1000 / maxPerSecond;
    for (let tries = 1; ; tries++) {
      const asked = performance.now();
      const waitMs = Math.max(0, await this.rateLimiter.reserve(group, maxPerSecond));
      if (waitMs > (this.config.delivery.leaseMarginSeconds * 1000) / 2) {
        await this.push.extendLease(delivery.id, delivery.attempts, waitMs / 1000);
      }
      if (waitMs > 0) await sleep(waitMs);
      const late = performance.now() - (asked + waitMs);
      if (late <= slotMs / 2 || tries >= MAX_SLOT_TRIES) return;
    }
  }

  /** Per-group maxConcurrency, per instance, from the cached group config. */
  private async slotFor(group: string): Promise<{ slot: Semaphore; config: ConsumerGroupRow | null }> {
    const config = await this.groups.cached(group).catch(() => null); // a deleted group: its claims find nothing
    const limit = config?.maxConcurrency ?? 1;
    const semaphore = this.limits.get(group) ?? new Semaphore(limit);
    semaphore.limit = limit;
    this.limits.set(group, semaphore);
    return { slot: semaphore, config };
  }

  /** Queues retries at their time and, in ordered groups, the next message of each finished key. */
  private async followUp(outcomes: PushOutcome[], recorded: RecordedPush[]): Promise<void> {
    const byId = new Map(outcomes.map((outcome) => [outcome.id, outcome]));
    const next: QueuedDelivery[] = [];
    const freedKeys: { group: string; member: string; shardingKey: string }[] = [];
    for (const row of recorded) {
      const outcome = byId.get(row.id) as PushOutcome;
      if (row.state === 'retrying') {
        next.push({
          id: row.id,
          consumerGroup: row.consumerGroup,
          deliveryType: 'push',
          attempt: outcome.attempt + 1,
          delayMs: Math.round(outcome.delaySeconds * 1000),
        });
      } else if (outcome.ordered && row.shardingKey !== null) {
        freedKeys.push({ group: row.consumerGroup, member: row.member, shardingKey: row.shardingKey });
      }
      if (row.state === 'dead') deadLettersTotal.inc({ consumer_group: row.consumerGroup });
    }
    try {
      if (freedKeys.length > 0) next.push(...(await this.deliveries.nextOfKeys(freedKeys)));
      await this.queue.enqueue(next);
    } catch (error) {
      this.logger.warn({
        msg: 'could not queue follow-up deliveries; the reconciler will',
        error: String(error),
      });
    }
  }
}

/** What every recorded attempt says about which delivery and attempt it was. */
const attemptOf = (delivery: ClaimedPush, startedAt: Date) => ({
  id: delivery.id,
  attempt: delivery.attempts,
  startedAt,
  ordered: delivery.ordered,
  free: false,
});

/**
 * What follows an attempt: acked, or retried or dead by the attempts that count. A failed probe of
 * a half-open circuit does not count: it waits for the next probe (the circuit is open again).
 */
function toOutcome(delivery: ClaimedPush, startedAt: Date, result: PushResult): PushOutcome {
  const freeProbe = !result.ok && delivery.probe;
  const step = result.ok
    ? { state: 'acked' as const, delaySeconds: 0 }
    : freeProbe
      ? { state: 'retrying' as const, delaySeconds: delivery.circuitProbeSeconds ?? 0 }
      : afterFailure(
          delivery.attempts - delivery.freeAttempts,
          delivery.maxRetries,
          delivery.retryBackoffSeconds,
          result.retryAfterSeconds,
        );
  return {
    ...attemptOf(delivery, startedAt),
    free: freeProbe,
    outcome: result.ok ? 'acked' : 'failed',
    nextState: step.state,
    delaySeconds: 'delaySeconds' in step ? step.delaySeconds : 0,
    httpStatus: result.httpStatus,
    latencyMs: result.latencyMs,
    excerpt: result.excerpt,
    error: result.error,
  };
}

/**
 * An attempt that sends nothing: a duplicate key within the group's dedupe window counts as
 * delivered (acked); a delivery to a removed broadcast URL has nobody to go to (dead).
 */
function skipped(
  delivery: ClaimedPush,
  startedAt: Date,
  outcome: 'deduplicated' | 'failed',
  error: string | null,
): PushOutcome {
  return {
    ...attemptOf(delivery, startedAt),
    outcome,
    nextState: outcome === 'deduplicated' ? 'acked' : 'dead',
    delaySeconds: 0,
    httpStatus: null,
    latencyMs: 0,
    excerpt: null,
    error,
  };
}
