// Pull delivery (SPEC §7), SQS style: receive long-polls and returns as soon as anything is ready;
// receipts are valid until the message is delivered again, so a stale one never acks a redelivery.
import type { AckedView, NackedView, ReceivedView, VisibilityView } from './pull.view';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../../auth/principal';
import { ApiError } from '../../common/errors/api-error';
import type { AckDto, NackDto, ReceiveDto, VisibilityDto } from './pull.dto';
import type { ConsumerGroupRow } from '../../consumer-groups/consumer-group.row';
import { ConsumerGroupsService } from '../../consumer-groups/consumer-groups.service';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import { toDeliveredMessage } from '../delivered-message.view';
import { deliveryAttemptsTotal } from '../delivery.metrics';
import { DispatchService } from '../dispatch/dispatch.service';
import { KeyDedupe } from '../../dedupe/key-dedupe';
import { PullRepository, type ReceivedRow } from './pull.repository';
import { ReadyNotifier } from '../dispatch/ready-notifier';
import { afterFailure } from '../retries/retry-policy';
import { AckWriter } from './ack-writer';

export const RECEIVE_DEFAULTS = { maxMessages: 10, waitSeconds: 20, invisibleSeconds: 30 };

@Injectable()
export class PullService {
  private readonly knownMembers = new Set<string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly groups: ConsumerGroupsService,
    private readonly pull: PullRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly dispatch: DispatchService,
    private readonly notifier: ReadyNotifier,
    private readonly keyDedupe: KeyDedupe,
    private readonly acks: AckWriter,
  ) {}

  async receive(
    principal: Principal,
    name: string,
    dto: ReceiveDto,
    signal?: AbortSignal,
  ): Promise<ReceivedView> {
    const group = await this.pullGroup(principal, name);
    const member = await this.memberOf(group, dto.consumerId);
    const limit = dto.maxMessages ?? RECEIVE_DEFAULTS.maxMessages;
    const invisible = dto.invisibleSeconds ?? RECEIVE_DEFAULTS.invisibleSeconds;
    const deadline = Date.now() + (dto.waitSeconds ?? RECEIVE_DEFAULTS.waitSeconds) * 1000;
    for (;;) {
      const wakeup = this.notifier.listen(name);
      try {
        await this.dispatch.handOver(await this.deliveries.expireLeases({ group: name, member }));
        const rows = await this.withoutDuplicateKeys(
          group,
          await this.pull.receive(name, member, limit, invisible),
        );
        const left = deadline - Date.now();
        if (rows.length > 0 || left <= 0 || signal?.aborted || this.notifier.isStopping) {
          return {
            messages: rows.map((row) => ({
              receiptHandle: row.receipt,
              attempt: row.attempts,
              message: toDeliveredMessage(row),
            })),
          };
        }
        const due = await this.pull.nextDueMs(name, member);
        await wakeup.wait(due === null ? left : Math.min(left, due + 5), signal);
      } finally {
        wakeup.close();
      }
    }
  }

  /** Dedupe by key: later messages with a key already delivered in the window are acked unseen. */
  private async withoutDuplicateKeys(group: ConsumerGroupRow, rows: ReceivedRow[]): Promise<ReceivedRow[]> {
    if (group.dedupeBy !== 'key') return rows;
    const duplicates: string[] = [];
    for (const row of rows) {
      const first = await this.keyDedupe.isFirst({ ...row, consumerGroup: group.name, ...dedupeOf(group) });
      if (!first) duplicates.push(row.receipt);
    }
    if (duplicates.length === 0) return rows;
    await this.acks.ack({ group: group.name, receipts: duplicates, outcome: 'deduplicated' });
    deliveryAttemptsTotal.inc({ consumer_group: group.name, outcome: 'deduplicated' }, duplicates.length);
    return rows.filter((row) => !duplicates.includes(row.receipt));
  }

  async ack(principal: Principal, name: string, dto: AckDto): Promise<AckedView> {
    const group = await this.pullGroup(principal, name);
    const acked = new Set(
      await this.acks.ack({ group: name, receipts: dto.receiptHandles, outcome: 'acked' }),
    );
    if (acked.size > 0) {
      deliveryAttemptsTotal.inc({ consumer_group: name, outcome: 'acked' }, acked.size);
      if (group.ordered) await this.notifier.notify([name]); // the next message of those keys is ready
    }
    return { acked: acked.size, expired: dto.receiptHandles.filter((handle) => !acked.has(handle)) };
  }

  /** Gives a message back: retried after `retryAfterSeconds` (default: the group's backoff). */
  async nack(principal: Principal, name: string, dto: NackDto): Promise<NackedView> {
    await this.pullGroup(principal, name);
    const state = await this.dataSource.transaction(async (manager) => {
      const held = await this.pull.hold(name, dto.receiptHandle, manager);
      if (!held) throw expiredReceipt();
      const next = afterFailure(
        held.attempts,
        held.maxRetries,
        held.retryBackoffSeconds,
        dto.retryAfterSeconds ?? null,
      );
      await this.pull.release(manager, held, next);
      return next.state;
    });
    deliveryAttemptsTotal.inc({ consumer_group: name, outcome: 'nacked' });
    await this.notifier.notify([name]);
    return { nacked: true, state };
  }

  async visibility(principal: Principal, name: string, dto: VisibilityDto): Promise<VisibilityView> {
    await this.pullGroup(principal, name);
    if (!(await this.pull.setVisibility(name, dto.receiptHandle, dto.invisibleSeconds)))
      throw expiredReceipt();
    await this.notifier.notify([name]);
    return { receiptHandle: dto.receiptHandle, invisibleSeconds: dto.invisibleSeconds };
  }

  private async pullGroup(principal: Principal, name: string): Promise<ConsumerGroupRow> {
    principal.assertConsumerGroup(name);
    const group = await this.groups.cached(name);
    if (group.deliveryType !== 'pull') {
      throw ApiError.conflict(
        `consumer group '${name}' is a push group; its messages are pushed to its urls`,
      );
    }
    return group;
  }

  /** Clustering groups share one queue (''); broadcasting members get their own from first receive. */
  private async memberOf(group: ConsumerGroupRow, consumerId: string | undefined): Promise<string> {
    if (group.mode === 'clustering') return '';
    if (consumerId === undefined || consumerId.length === 0) {
      throw ApiError.validation('consumerId is required to receive from a broadcasting group', [
        { field: 'consumerId', message: 'is required for broadcasting groups' },
      ]);
    }
    const key = `${group.name}\n${group.createdAt.getTime()}\n${consumerId}`;
    if (!this.knownMembers.has(key)) {
      await this.groups.registerMember(group.name, consumerId);
      this.knownMembers.add(key);
    }
    return consumerId;
  }
}

const expiredReceipt = () =>
  ApiError.conflict(
    'receipt handle is not current: the message was acknowledged, redelivered or dead-lettered',
  );

const dedupeOf = (group: ConsumerGroupRow) => ({
  dedupeBy: group.dedupeBy,
  dedupeWindowSeconds: group.dedupeWindowSeconds,
});
