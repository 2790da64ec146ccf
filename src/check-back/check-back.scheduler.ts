// Check-back (SPEC §5): finds due PREPARED transactions (and STUCK ones an operator rechecks) in
// Postgres, asks the producer for the verdict, and records the answer. The schedule lives in Postgres (durable, restart-safe); row
// leases with SKIP LOCKED keep many instances from checking the same transaction at once (G6).
import { inSpan, outgoingTraceHeaders, SpanKind, storedTrace } from '../observability/trace-context';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { leaseDeadline, retryWhileUnavailable } from '../common/errors/unavailable';
import { OutboundPolicy } from '../common/http/outbound-policy';
import { newOwnerId } from '../common/ids';
import { AppConfig } from '../config/app-config';
import type { ProducerGroup } from '../producer-groups/producer-group.entity';
import { MessagesRepository } from '../messages/messages.repository';
import { ProducerGroupsService } from '../producer-groups/producer-groups.service';
import { TransactionsRepository } from '../transactions/transactions.repository';
import { TransactionsService } from '../transactions/transactions.service';
import { sendCheck, type CheckResult } from './check-back.client';
import { checkbackLatency, checkbacksTotal, transactionsStuckTotal } from './check-back.metrics';
import { CheckBackRepository, LEASE_MARGIN_SECONDS, type ClaimedCheck } from './check-back.repository';
import { nextCheckDelaySeconds } from './check-schedule';

@Injectable()
export class CheckBackScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('check-back');
  private readonly owner = newOwnerId();
  private readonly inflightByGroup = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private stopped = true;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly checks: CheckBackRepository,
    private readonly transactions: TransactionsRepository,
    private readonly verdicts: TransactionsService,
    private readonly producerGroups: ProducerGroupsService,
    private readonly messages: MessagesRepository,
    private readonly outbound: OutboundPolicy,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('checkback')) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Drain: claim nothing new, let in-flight checks finish and be recorded. */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
  }

  /**
   * An operator's recheck: the open transactions among `ids` are due now, and this instance looks
   * for due checks at once rather than at its next poll (instances without the checkback role
   * leave it to those that have it). Every rule of an ordinary check applies. Returns the ids
   * made due; resolved and unknown ones are left alone.
   */
  async requestChecks(ids: string[]): Promise<string[]> {
    const requested = await this.checks.requestCheck(ids, this.dataSource);
    if (requested.length > 0) this.schedule(0);
    return requested;
  }

  private schedule(delayMs: number) {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    let claimedAll = false;
    try {
      const { concurrency, groupConcurrency } = this.config.checkback;
      const free = concurrency - this.running.size;
      if (free > 0) {
        const claimed = await this.checks.claimDue(
          this.owner,
          free,
          groupConcurrency,
          this.inflightByGroup,
          this.dataSource,
        );
        claimed.forEach((claim) => this.track(claim));
        claimedAll = claimed.length === free;
      }
    } catch (error) {
      this.logger.warn({ msg: 'could not claim due check-backs', error: String(error) });
    }
    this.schedule(claimedAll ? 0 : this.config.checkback.pollMs);
  }

  private track(claim: ClaimedCheck) {
    const group = claim.producerGroup;
    this.inflightByGroup.set(group, (this.inflightByGroup.get(group) ?? 0) + 1);
    const run = this.check(claim)
      .catch((error: unknown) =>
        // The lease runs out and another tick (here or elsewhere) checks again.
        this.logger.error({ msg: 'check-back failed', transactionId: claim.id, error: String(error) }),
      )
      .finally(() => {
        this.running.delete(run);
        const left = (this.inflightByGroup.get(group) ?? 1) - 1;
        if (left > 0) this.inflightByGroup.set(group, left);
        else this.inflightByGroup.delete(group);
      });
    this.running.add(run);
  }

  private async check(claim: ClaimedCheck): Promise<void> {
    const claimedAt = Date.now();
    const group = await this.producerGroups.cached(claim.producerGroup);
    const attempt = claim.checks + 1;
    const trace = storedTrace(claim);
    const messages = await this.messages.summariesOf(claim.id, this.dataSource);
    const result = await inSpan(
      'txmsg check-back',
      {
        kind: SpanKind.CLIENT,
        parent: trace,
        attributes: { 'txmsg.transaction_id': claim.id, 'txmsg.attempt': attempt },
      },
      async (span) => {
        const checked = await sendCheck(
          {
            url: group.checkbackUrl,
            secrets: group.signingSecrets(),
            timeoutMs: group.checkbackTimeoutMs,
            traceHeaders: outgoingTraceHeaders(span, trace),
            payload: {
              type: 'transaction.check',
              transactionId: claim.id,
              producerGroup: group.name,
              attempt,
              createdAt: claim.createdAt.toISOString(),
              messages,
            },
          },
          this.outbound,
        );
        span.setAttribute('txmsg.outcome', checked.outcome);
        return checked;
      },
    );
    checkbacksTotal.inc({ producer_group: group.name, outcome: result.outcome });
    checkbackLatency.observe({ producer_group: group.name }, result.latencyMs / 1000);
    // The producer's answer is kept through a database blip for as long as the lease lasts, so a
    // verdict it gave is recorded rather than asked for again.
    await retryWhileUnavailable(
      () => this.record(claim, group, attempt, result),
      leaseDeadline(claimedAt, group.checkbackTimeoutMs, LEASE_MARGIN_SECONDS),
      (error) =>
        this.logger.warn({
          msg: 'could not record a check-back yet; retrying',
          transactionId: claim.id,
          error: String(error),
        }),
    );
  }

  /** Records the attempt and moves the transaction on; a verdict that arrived meanwhile wins. */
  private async record(claim: ClaimedCheck, group: ProducerGroup, attempt: number, result: CheckResult) {
    await this.dataSource.transaction(async (manager) => {
      const tx = await this.transactions.find(claim.id, true, manager);
      if (!tx) return;
      await this.checks.insertAttempt(tx.id, group.name, attempt, result, manager);
      const checks = await this.checks.countCheck(tx.id, manager);
      if (tx.state !== 'PREPARED' && tx.state !== 'STUCK') return;
      if (result.outcome === 'COMMIT' || result.outcome === 'ROLLBACK') {
        await this.verdicts.applyVerdict(manager, tx, result.outcome, 'checkback');
      } else if (tx.state === 'STUCK') {
        await this.checks.endRecheck(tx.id, manager);
      } else if (checks >= group.maxChecks) {
        await this.checks.markStuck(tx.id, manager);
        transactionsStuckTotal.inc({ producer_group: group.name });
        this.logger.warn({
          msg: 'transaction is STUCK',
          transactionId: tx.id,
          producerGroup: group.name,
          checks,
        });
      } else {
        const delay = nextCheckDelaySeconds(
          checks,
          group.checkIntervalSeconds,
          group.maxCheckIntervalSeconds,
        );
        await this.checks.scheduleNext(tx.id, delay, manager);
      }
    });
  }
}
