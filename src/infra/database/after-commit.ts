// Work that must run only once a database transaction has committed (e.g. handing deliveries to
// the queue): registered against the transaction's EntityManager, run by a TypeORM subscriber.
import {
  DataSource,
  EventSubscriber,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
} from 'typeorm';

type Callback = () => Promise<void> | void;

const pending = new WeakMap<QueryRunner, Callback[]>();

/**
 * Runs `callback` after the transaction `manager` belongs to commits; never if it rolls back. For
 * a DataSource, whose statements commit on their own, that is now. Callbacks must not throw: the
 * commit has happened and the caller's response should stand.
 */
export function afterCommit(manager: DataSource | EntityManager, callback: Callback): void {
  if (manager instanceof DataSource) {
    void callback();
    return;
  }
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    throw new Error('afterCommit needs an EntityManager inside a transaction');
  }
  const callbacks = pending.get(runner);
  if (callbacks) callbacks.push(callback);
  else pending.set(runner, [callback]);
}

/** TypeORM only instantiates subscriber classes carrying @EventSubscriber(). */
@EventSubscriber()
export class AfterCommitSubscriber implements EntitySubscriberInterface {
  async afterTransactionCommit(event: { queryRunner: QueryRunner }): Promise<void> {
    const callbacks = pending.get(event.queryRunner);
    if (!callbacks) return;
    pending.delete(event.queryRunner);
    for (const callback of callbacks) await callback();
  }

  afterTransactionRollback(event: { queryRunner: QueryRunner }): void {
    pending.delete(event.queryRunner);
  }
}
