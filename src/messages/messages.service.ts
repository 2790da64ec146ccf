// Plain sends (SPEC §6): messages committed at once, one or a batch of up to 1000 atomically.
import { TopicSchemasService } from '../topics/schemas/topic-schemas.service';
import type { TraceContext } from '../observability/trace-context';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { newId } from '../common/ids';
import { assertIdempotencyKey } from '../idempotency/idempotency.service';
import { TopicsService } from '../topics/topics.service';
import type { MessageFieldsDto, SendBatchDto } from './message.dto';
import { SendWriter } from './send-writer';
import type { SentBatchView, SentMessageView } from './sent.view';

@Injectable()
export class MessagesService {
  constructor(
    private readonly topics: TopicsService,
    private readonly schemas: TopicSchemasService,
    private readonly writer: SendWriter,
  ) {}

  async send(
    principal: Principal,
    topic: string,
    dto: MessageFieldsDto,
    idempotencyKey?: string,
    trace: TraceContext | null = null,
  ) {
    principal.assertTopic(topic);
    assertIdempotencyKey(idempotencyKey);
    await this.topics.assertExist([topic]);
    const [schemaVersion] = await this.schemas.check([{ topic, tag: dto.tag, body: dto.body }]);
    const id = newId();
    return this.writer.send({
      scope: `${principal.id}:send:${topic}`,
      key: idempotencyKey,
      request: dto,
      messages: [{ ...dto, id, topic, trace, schemaVersion }],
      answer: (publishedAt): SentMessageView => ({
        id,
        topic,
        state: 'COMMITTED' as const,
        publishedAt: publishedAt.toISOString(),
      }),
    });
  }

  async sendBatch(
    principal: Principal,
    topic: string,
    dto: SendBatchDto,
    idempotencyKey?: string,
    trace: TraceContext | null = null,
  ) {
    principal.assertTopic(topic);
    assertIdempotencyKey(idempotencyKey);
    await this.topics.assertExist([topic]);
    const versions = await this.schemas.check(dto.messages.map((message) => ({ ...message, topic })));
    const messages = dto.messages.map((message, i) => ({
      ...message,
      id: newId(),
      topic,
      trace,
      schemaVersion: versions[i],
    }));
    return this.writer.send({
      scope: `${principal.id}:batch:${topic}`,
      key: idempotencyKey,
      request: dto,
      messages,
      answer: (): SentBatchView => ({ ids: messages.map((message) => message.id) }),
    });
  }
}
