import { Batcher } from './batcher';

describe(Batcher.name, () => {
  it('runs calls made in one turn as one batch and answers each caller in order', async () => {
    const batches: number[][] = [];
    const sut = new Batcher<number, number>(async (items) => {
      batches.push(items);
      return items.map((n) => n * 10);
    });
    const results = await Promise.all([sut.add(1), sut.add(2), sut.add(3)]);
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch once maxSize items are waiting', async () => {
    const batches: number[][] = [];
    const sut = new Batcher<number, number>(async (items) => {
      batches.push(items);
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => sut.add(n)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects every caller of a failing batch', async () => {
    const sut = new Batcher<number, number>(() => Promise.reject(new Error('db down')));
    const outcomes = await Promise.allSettled([sut.add(1), sut.add(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });

  it('batches calls made after a flush separately', async () => {
    const batches: number[][] = [];
    const sut = new Batcher<number, number>(async (items) => {
      batches.push(items);
      return items;
    });
    await sut.add(1);
    await sut.add(2);
    expect(batches).toEqual([[1], [2]]);
  });
});
