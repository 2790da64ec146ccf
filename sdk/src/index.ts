export { TxmsgClient, type TxmsgOptions, type CreateOptions, type MessageListQuery } from './client';
export {
  Txmsg,
  type Database,
  type Connection,
  type LocalTransaction,
  type ProducerOptions,
  type TransactionOptions,
} from './txmsg';
export { TxmsgError } from './errors';
export { type RetryOptions, backoffMs } from './retry';
export type { CoalesceOptions } from './coalescer';
export {
  BARRIER_TABLE_SQL,
  BarrierClosedError,
  createBarrierTable,
  decideFromBarrier,
  recordCommitted,
  type Query,
} from './barrier';
export {
  checkbackHandler,
  pushHandler,
  type CheckbackOptions,
  type PushOptions,
  type RetryLater,
} from './handlers';
export { consume, type ConsumeOptions, type Consumer, type PullHandler } from './consumer';
export {
  expressHandler,
  fastifyRoute,
  nodeListener,
  verifySignature,
  type Headers,
  type WebhookAnswer,
  type WebhookHandler,
} from './webhooks';
export { activeTraceFields, withTraceOf, type TraceFields } from './trace';
export type * from './types';
