import { Histogram } from 'prom-client';
import { registry } from './metrics';

const batchSize = new Histogram({
  name: 'txmsg_group_commit_batch_size',
  help: 'Requests written by one group-commit batch, by writer (prepare, send, verdict, ack, push_claim, push_record)',
  labelNames: ['writer'] as const,
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  registers: [registry],
});

/** A `GroupCommitOptions.onBatch` that counts a writer's batches by size. */
export const observeBatches =
  (writer: string) =>
  (size: number): void =>
    batchSize.observe({ writer }, size);
