import { claimsPerRequest } from './claim-batch';

describe(claimsPerRequest.name, () => {
  const row = (id: string, attempts: number) => ({ id, attempts });

  it('hands each claimed row to its request', () => {
    const sut = claimsPerRequest(
      [
        { deliveryId: 'a', attempt: 1 },
        { deliveryId: 'b', attempt: 3 },
        { deliveryId: 'c', attempt: 1 },
      ],
      [row('b', 3), row('a', 1)],
    );
    expect(sut).toEqual([row('a', 1), row('b', 3), undefined]);
  });

  it('hands a row asked for twice in one batch to the first request only', () => {
    const twice = [
      { deliveryId: 'a', attempt: 1 },
      { deliveryId: 'a', attempt: 1 },
    ];
    expect(claimsPerRequest(twice, [row('a', 1)])).toEqual([row('a', 1), undefined]);
  });

  it('hands a row to the request for the attempt it was claimed for, not a stale one', () => {
    const stale = [
      { deliveryId: 'a', attempt: 1 },
      { deliveryId: 'a', attempt: 2 },
    ];
    expect(claimsPerRequest(stale, [row('a', 2)])).toEqual([undefined, row('a', 2)]);
  });
});
