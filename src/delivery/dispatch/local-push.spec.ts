import { LocalPush } from './local-push';
import type { DeliverJobData } from './push-job';

const job = (n: number): DeliverJobData => ({
  group: 'shipping',
  attempts: [{ deliveryId: `d${n}`, attempt: 1 }],
});

/** A runner whose jobs finish when the test says so. */
function controlledRunner() {
  const started: DeliverJobData[] = [];
  const finish = new Map<DeliverJobData, { resolve: () => void; reject: (e: unknown) => void }>();
  const runner = (data: DeliverJobData) =>
    new Promise<void>((resolve, reject) => {
      started.push(data);
      finish.set(data, { resolve, reject });
    });
  return { runner, started, finish };
}

describe(LocalPush.name, () => {
  const never = () => {
    throw new Error('no job should fail here');
  };

  it('queues everything until a push worker attaches', () => {
    const sut = new LocalPush(4);
    expect(sut.tryRun(job(1), never)).toBe(false);
    expect(sut.size).toBe(0);
  });

  it('runs up to `limit` jobs here and leaves the rest to the queue, taking more as jobs finish', async () => {
    const sut = new LocalPush(2);
    const { runner, started, finish } = controlledRunner();
    sut.attach(runner);
    expect([1, 2, 3].map((n) => sut.tryRun(job(n), never))).toEqual([true, true, false]);
    expect(started.map((data) => data.attempts[0].deliveryId)).toEqual(['d1', 'd2']);
    finish.get(started[0])?.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sut.size).toBe(1);
    expect(sut.tryRun(job(4), never)).toBe(true);
    expect(started).toHaveLength(3);
  });

  it('hands a failed job to onFailure with its error, and frees its place', async () => {
    const sut = new LocalPush(1);
    const { runner, started, finish } = controlledRunner();
    sut.attach(runner);
    const failures: [DeliverJobData, unknown][] = [];
    expect(sut.tryRun(job(1), (data, error) => failures.push([data, error]))).toBe(true);
    const error = new Error('database unreachable');
    finish.get(started[0])?.reject(error);
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures).toEqual([[job(1), error]]);
    expect(sut.size).toBe(0);
  });

  it('stops taking jobs on detach and waits for those running', async () => {
    const sut = new LocalPush(4);
    const { runner, started, finish } = controlledRunner();
    sut.attach(runner);
    sut.tryRun(job(1), never);
    let detached = false;
    const detaching = sut.detach().then(() => (detached = true));
    expect(sut.tryRun(job(2), never)).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(detached).toBe(false);
    finish.get(started[0])?.resolve();
    await detaching;
    expect(detached).toBe(true);
    expect(started).toHaveLength(1);
  });
});
