import { ackedPerRequest, ackTargets, type AckRequest } from './ack-batch';
import { receiptTarget } from './pull.sql';

const receipt = (delivery: string, nonce = 'a'.repeat(32)) => `rh_${nonce}${delivery.replace(/-/g, '')}`;
const D1 = '019a0000-0000-7000-8000-000000000001';
const D2 = '019a0000-0000-7000-8000-000000000002';

describe(receiptTarget.name, () => {
  it('reads the delivery id a receipt handle ends with', () => {
    expect(receiptTarget(receipt(D1))).toBe(D1);
  });

  it('names nothing for strings no receive hands out', () => {
    for (const handle of [
      '',
      'rh_',
      receipt(D1).slice(0, -1),
      `${receipt(D1)}0`,
      receipt(D1).toUpperCase(),
      `x${receipt(D1).slice(1)}`,
    ]) {
      expect(receiptTarget(handle)).toBeNull();
    }
  });
});

describe(ackTargets.name, () => {
  it('takes each receipt once, for the first request that names it, in id order', () => {
    const requests: AckRequest[] = [
      { group: 'g', receipts: [receipt(D2), receipt(D2)], outcome: 'deduplicated' },
      { group: 'g', receipts: [receipt(D1), receipt(D2)], outcome: 'acked' },
      { group: 'other', receipts: [receipt(D2)], outcome: 'acked' },
    ];
    expect(ackTargets(requests)).toEqual([
      { id: D1, group: 'g', receipt: receipt(D1), outcome: 'acked' },
      { id: D2, group: 'g', receipt: receipt(D2), outcome: 'deduplicated' },
      { id: D2, group: 'other', receipt: receipt(D2), outcome: 'acked' },
    ]);
  });

  it('leaves out strings that are no receipt handle', () => {
    expect(ackTargets([{ group: 'g', receipts: ['nope', 'rh_1'], outcome: 'acked' }])).toEqual([]);
  });
});

describe(ackedPerRequest.name, () => {
  it('gives each acked receipt to the first request of its group that named it', () => {
    const requests: AckRequest[] = [
      { group: 'g', receipts: ['r1', 'r2', 'r1'], outcome: 'acked' },
      { group: 'g', receipts: ['r2', 'r3'], outcome: 'acked' },
      { group: 'h', receipts: ['r1'], outcome: 'acked' },
      { group: 'g', receipts: ['gone'], outcome: 'acked' },
    ];
    const acked = [
      { consumerGroup: 'g', receipt: 'r3' },
      { consumerGroup: 'g', receipt: 'r1' },
      { consumerGroup: 'g', receipt: 'r2' },
      { consumerGroup: 'h', receipt: 'r1' },
    ];
    expect(ackedPerRequest(requests, acked)).toEqual([['r1', 'r2'], ['r3'], ['r1'], []]);
  });
});
