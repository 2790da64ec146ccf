import { Semaphore } from './semaphore';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(Semaphore.name, () => {
  it('lets at most `limit` holders in and serves waiters in order', async () => {
    const sut = new Semaphore(2);
    const entered: number[] = [];
    const holders = [1, 2, 3, 4].map((n) => sut.acquire().then(() => entered.push(n)));
    await tick();
    expect(entered).toEqual([1, 2]);
    sut.release();
    await tick();
    expect(entered).toEqual([1, 2, 3]);
    sut.release();
    await Promise.all(holders);
    expect(entered).toEqual([1, 2, 3, 4]);
    expect(sut.inUse).toBe(2);
  });

  it('admits more waiters when the limit is raised and fewer when it is lowered', async () => {
    const sut = new Semaphore(1);
    await sut.acquire();
    let admitted = 0;
    void sut.acquire().then(() => admitted++);
    void sut.acquire().then(() => admitted++);
    sut.limit = 3;
    sut.release();
    await tick();
    expect(admitted).toBe(2);
    expect(sut.inUse).toBe(2);
    sut.limit = 1;
    sut.release();
    expect(sut.inUse).toBe(1);
  });
});
