// Dead letters (SPEC §7): deliveries that used up their retries, to browse and redrive.
import { Injectable } from '@nestjs/common';
import { isUuidKey, pageAfterKey, type PageQuery } from '../../common/pagination';
import type { RedriveDto } from './dead-letters.dto';
import { ConsumerGroupsService } from '../../consumer-groups/consumer-groups.service';
import { DeadLettersRepository, type DeadLetterRow } from './dead-letters.repository';
import { toDeliveredMessage } from '../delivered-message.view';
import type { DeadLetterView, RedrivenView } from './dead-letter.view';
import { DispatchService } from '../dispatch/dispatch.service';

@Injectable()
export class DeadLettersService {
  constructor(
    private readonly groups: ConsumerGroupsService,
    private readonly deadLetters: DeadLettersRepository,
    private readonly dispatch: DispatchService,
  ) {}

  async list(group: string, query: PageQuery) {
    await this.groups.require(group);
    return pageAfterKey(
      query,
      (limit, after) => this.deadLetters.list(group, limit, after),
      (row) => row.id,
      toDeadLetter,
      isUuidKey,
    );
  }

  async redrive(group: string, dto: RedriveDto): Promise<RedrivenView> {
    await this.groups.require(group);
    const redriven = await this.deadLetters.redrive(group, dto.ids ?? null);
    await this.dispatch.handOver(redriven);
    return { redriven: redriven.length };
  }
}

const toDeadLetter = (row: DeadLetterRow): DeadLetterView => ({
  id: row.id,
  ...(row.member ? { member: row.member } : {}),
  message: toDeliveredMessage(row),
  attempts: row.attempts,
  lastError: row.lastError,
  deadAt: row.deadAt.toISOString(),
});
