import { failed, GroupCommit, succeeded, type Outcome } from './group-commit';

/** A writer whose batches finish only when the test says so. */
function gatedWriter(answer: (item: number) => Outcome<number> = (n) => succeeded(n * 10)) {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const write = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((open) => gates.push(open));
    return items.map(answer);
  };
  const openNext = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()?.();
  };
  return { batches, write, openNext };
}

describe(GroupCommit.name, () => {
  it('writes a lone request on the next turn, as a batch of one', async () => {
    const batches: number[][] = [];
    const sut = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        return items.map((n) => succeeded(n + 1));
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    expect(await sut.add(1)).toBe(2);
    expect(batches).toEqual([[1]]);
  });

  it('gathers requests that arrive while the writer is busy into the next batch', async () => {
    const writer = gatedWriter();
    const sizes: number[] = [];
    const sut = new GroupCommit<number, number>(writer.write, {
      maxBatch: 10,
      maxInFlight: 1,
      onBatch: (size) => sizes.push(size),
    });
    const first = sut.add(1);
    await new Promise((r) => setImmediate(r));
    const later = [2, 3, 4].map((n) => sut.add(n));
    await writer.openNext();
    await writer.openNext();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(writer.batches).toEqual([[1], [2, 3, 4]]);
    expect(sizes).toEqual([1, 3]);
  });

  it('never writes more than maxBatch requests at once, nor more than maxInFlight batches', async () => {
    const writer = gatedWriter();
    const sut = new GroupCommit<number, number>(writer.write, { maxBatch: 2, maxInFlight: 2 });
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => sut.add(n)));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(writer.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    for (let i = 0; i < 3; i++) await writer.openNext();
    expect(await all).toEqual([10, 20, 30, 40, 50]);
    expect(writer.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('closes a batch before it outweighs maxWeight, but always takes at least one request', async () => {
    const writer = gatedWriter();
    const sut = new GroupCommit<number, number>(
      writer.write,
      { maxBatch: 10, maxWeight: 5, maxInFlight: 1 },
      (n) => n,
    );
    const first = sut.add(1);
    await new Promise((r) => setImmediate(r));
    const later = [2, 3, 9, 1].map((n) => sut.add(n));
    for (let i = 0; i < 4; i++) await writer.openNext();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 90, 10]);
    expect(writer.batches).toEqual([[1], [2, 3], [9], [1]]);
  });

  it('fails a request alone when its outcome is a failure', async () => {
    const sut = new GroupCommit<number, number>(
      async (items) => items.map((n) => (n === 2 ? failed(new Error('conflict')) : succeeded(n))),
      { maxBatch: 10, maxInFlight: 1 },
    );
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => sut.add(n)));
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('conflict') },
      { status: 'fulfilled', value: 3 },
    ]);
  });

  it('writes a batch that failed as a whole again one request at a time, so only the culprit fails', async () => {
    const batches: number[][] = [];
    const sut = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        if (items.includes(2)) throw new Error('violates a constraint');
        return items.map((n) => succeeded(n));
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => sut.add(n)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('fails the whole batch on an outage, without writing anything again', async () => {
    const batches: number[][] = [];
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const sut = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        throw outage;
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const outcomes = await Promise.allSettled([1, 2].map((n) => sut.add(n)));
    expect(outcomes).toEqual([
      { status: 'rejected', reason: outage },
      { status: 'rejected', reason: outage },
    ]);
    expect(batches).toEqual([[1, 2]]);
  });
});
