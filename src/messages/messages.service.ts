// Plain sends (SPEC §6): messages committed at once, one or a batch of up to 1000 atomically.
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { newId } from '../common/ids';
import { DispatchService } from '../delivery/dispatch/dispatch.service';
import { TopicsService } from '../topics/topics.service';
import type { MessageFieldsDto, SendBatchDto } from './message.dto';
import { MessagesRepository } from './messages.repository';

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly topics: TopicsService,
    private readonly idempotency: IdempotencyService,
    private readonly dispatch: DispatchService,
  ) {}

  async send(principal: Principal, topic: string, dto: MessageFieldsDto, idempotencyKey?: string) {
    principal.assertTopic(topic);
    await this.topics.assertExist([topic]);
    return this.idempotency.run(`${principal.id}:send:${topic}`, idempotencyKey, dto, async (manager) => {
      const id = newId();
      const publishedAt = await this.messages.insert([{ ...dto, id, topic }], null, manager);
      await this.dispatch.dispatch(manager, [id]);
      return { id, topic, state: 'COMMITTED' as const, publishedAt: publishedAt.toISOString() };
    });
  }

  async sendBatch(principal: Principal, topic: string, dto: SendBatchDto, idempotencyKey?: string) {
    principal.assertTopic(topic);
    await this.topics.assertExist([topic]);
    return this.idempotency.run(`${principal.id}:batch:${topic}`, idempotencyKey, dto, async (manager) => {
      const messages = dto.messages.map((message) => ({ ...message, id: newId(), topic }));
      await this.messages.insert(messages, null, manager);
      await this.dispatch.dispatch(
        manager,
        messages.map((message) => message.id),
      );
      return { ids: messages.map((message) => message.id) };
    });
  }
}
