// Pull acks (SPEC §7): concurrent ack requests share one statement, and each is answered with
// its own receipts once that statement has committed.
import { Injectable } from '@nestjs/common';
import { GroupCommit, REQUEST_GROUP_COMMIT, succeeded } from '../../common/group-commit';
import { HotPath } from '../../infra/database/hot-path';
import { queryPrepared } from '../../infra/database/sql';
import { observeBatches } from '../../observability/group-commit.metrics';
import { ackedPerRequest, ackTargets, type AckRequest } from './ack-batch';
import { PULL_ACK_SQL, pullAckParams } from './pull.sql';

@Injectable()
export class AckWriter {
  private readonly batches = new GroupCommit<AckRequest, string[]>(
    async (requests) => {
      const targets = ackTargets(requests);
      const acked =
        targets.length === 0
          ? []
          : await queryPrepared<{ consumerGroup: string; receipt: string }>(
              this.hotPath.dataSource,
              'txmsg_pull_ack',
              PULL_ACK_SQL,
              pullAckParams(targets),
            );
      return ackedPerRequest(requests, acked).map(succeeded);
    },
    { ...REQUEST_GROUP_COMMIT, onBatch: observeBatches('ack') },
    (request) => request.receipts.length,
  );

  constructor(private readonly hotPath: HotPath) {}

  /** Acks a group's deliveries whose current receipt is among `receipts`; resolves to those acked. */
  ack(request: AckRequest): Promise<string[]> {
    return this.batches.add(request);
  }
}
