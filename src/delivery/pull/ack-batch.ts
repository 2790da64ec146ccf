// Concurrent ack requests share one statement (`PULL_ACK_SQL`); this is how their receipts go in
// and how the acked ones come back to the request that named them.
import { receiptTarget, type AckTarget } from './pull.sql';

export interface AckRequest {
  group: string;
  receipts: string[];
  outcome: AckTarget['outcome'];
}

const keyOf = (group: string, receipt: string) => `${group}\n${receipt}`;

/**
 * The receipts of a batch to ack, each once: a receipt named by two requests goes to the first
 * of them (as if they had run one after the other: the second would find it acked), and a
 * string that is no receipt handle is left out (it is simply not current). In id order, the order
 * the statement usually locks them in, so that two instances acking the same receipts seldom
 * deadlock (a batch that does is written again one request at a time).
 */
export function ackTargets(requests: AckRequest[]): AckTarget[] {
  const targets = new Map<string, AckTarget>();
  for (const { group, receipts, outcome } of requests) {
    for (const receipt of receipts) {
      const key = keyOf(group, receipt);
      const id = receiptTarget(receipt);
      if (id !== null && !targets.has(key)) targets.set(key, { id, group, receipt, outcome });
    }
  }
  return [...targets.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Each request's acked receipts (in its own order, once each), given what the statement acked. */
export function ackedPerRequest(
  requests: AckRequest[],
  acked: { consumerGroup: string; receipt: string }[],
): string[][] {
  const unclaimed = new Set(acked.map((row) => keyOf(row.consumerGroup, row.receipt)));
  return requests.map(({ group, receipts }) =>
    receipts.filter((receipt) => unclaimed.delete(keyOf(group, receipt))),
  );
}
