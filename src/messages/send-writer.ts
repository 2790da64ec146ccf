// Plain sends (SPEC §6): messages committed at once. Concurrent sends share one statement that
// stores all their messages with their deliveries and commits on its own (inside the
// transaction that records Idempotency-Keys, when the batch carries any), and each caller is
// answered once it has committed.
import { Injectable } from '@nestjs/common';
import { GroupCommit, REQUEST_GROUP_COMMIT, succeeded } from '../common/group-commit';
import { DispatchService } from '../delivery/dispatch/dispatch.service';
import {
  IdempotencyService,
  type IdempotentResult,
  type KeyedRequest,
} from '../idempotency/idempotency.service';
import type { NewMessage } from './message.dto';
import { MessagesRepository } from './messages.repository';
import { observeBatches } from '../observability/group-commit.metrics';

export interface SendRequest<T> extends KeyedRequest {
  /** The messages, all committed together, in this order. */
  messages: NewMessage[];
  /** The answer, given the publish time. */
  answer: (publishedAt: Date) => T;
}

@Injectable()
export class SendWriter {
  private readonly batches = new GroupCommit<SendRequest<unknown>, IdempotentResult<unknown>>(
    (requests) =>
      this.idempotency.run(requests, async (db, indexes) => {
        const messages = indexes.flatMap((i) =>
          requests[i].messages.map((m) => ({ ...m, transactionId: null })),
        );
        const { publishedAt, queued } = await this.messages.send(messages, db);
        this.dispatch.handOverAfterCommit(db, queued);
        return indexes.map((i) => succeeded(requests[i].answer(publishedAt)));
      }),
    { ...REQUEST_GROUP_COMMIT, onBatch: observeBatches('send') },
    (request) => request.messages.length,
  );

  constructor(
    private readonly messages: MessagesRepository,
    private readonly idempotency: IdempotencyService,
    private readonly dispatch: DispatchService,
  ) {}

  /** Commits one request's messages in the next batch; resolves once they are durable. */
  send<T>(request: SendRequest<T>): Promise<IdempotentResult<T>> {
    return this.batches.add(request) as Promise<IdempotentResult<T>>;
  }
}
