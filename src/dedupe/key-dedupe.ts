// Group-level dedupe by message key (SPEC §8, `dedupe.by = "key"`): within the group's window only
// the first message with a key is delivered; later ones count as delivered without being sent.
// The memory is in Redis: if Redis loses it, a repeated key may be delivered once more. Dedupe
// by id (G3) never depends on it — Postgres decides what a group has acked.
import { Injectable, Logger } from '@nestjs/common';
import { DedupeStore } from './dedupe-store';
import { CONSUMER_GROUP_DEFAULTS } from '../consumer-groups/consumer-group.defaults';

export interface DedupeSubject {
  messageId: string;
  consumerGroup: string;
  key: string | null;
  dedupeBy: 'id' | 'key' | null;
  dedupeWindowSeconds: number | null;
}

@Injectable()
export class KeyDedupe {
  private readonly logger = new Logger('dedupe');

  constructor(private readonly store: DedupeStore) {}

  /** False only for a later message with a key already delivered to the group in the window. */
  async isFirst(delivery: DedupeSubject): Promise<boolean> {
    if (delivery.dedupeBy !== 'key' || delivery.key === null) return true;
    try {
      return await this.store.isFirstWithKey(
        delivery.consumerGroup,
        delivery.key,
        delivery.messageId,
        delivery.dedupeWindowSeconds ?? CONSUMER_GROUP_DEFAULTS.dedupe.windowSeconds,
      );
    } catch (error) {
      // At-least-once wins over dedupe: without Redis the message is delivered.
      this.logger.warn({ msg: 'dedupe by key unavailable; delivering', error: String(error) });
      return true;
    }
  }
}
