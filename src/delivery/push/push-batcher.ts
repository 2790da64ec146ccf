// Batched push (SPEC §7 `delivery.batch`): claimed deliveries of one group and URL gather until
// `maxMessages` are there or the first has waited `maxWaitMs`, then go in one request. Each
// delivery keeps its own claim, outcome and record; only the HTTP request is shared. Ordered
// groups never put two messages of a key in one batch: only one message of a key is claimed at a
// time.
import type { OutboundPolicy } from '../../common/http/outbound-policy';
import { sendPushBatch, type PushResult } from './push.client';
import type { ClaimedPush } from './push.repository';

interface Gathering {
  url: string;
  entries: {
    delivery: ClaimedPush;
    resolve: (result: PushResult) => void;
    reject: (error: unknown) => void;
  }[];
  timer?: NodeJS.Timeout;
}

export class PushBatcher {
  private readonly open = new Map<string, Gathering>();

  constructor(private readonly outbound: OutboundPolicy) {}

  /** Sends `delivery` in the next batch to `url`; resolves with its own result. */
  send(url: string, delivery: ClaimedPush): Promise<PushResult> {
    const key = `${delivery.consumerGroup}\n${url}`;
    let gathering = this.open.get(key);
    if (!gathering) {
      const started: Gathering = { url, entries: [] };
      started.timer = setTimeout(() => this.flush(key, started), delivery.pushBatchMaxWaitMs ?? 0);
      this.open.set(key, started);
      gathering = started;
    }
    const batch = gathering;
    return new Promise<PushResult>((resolve, reject) => {
      batch.entries.push({ delivery, resolve, reject });
      if (batch.entries.length >= (delivery.pushBatchMaxMessages ?? 1)) this.flush(key, batch);
    });
  }

  private flush(key: string, gathering: Gathering): void {
    clearTimeout(gathering.timer);
    if (this.open.get(key) !== gathering) return; // already sent
    this.open.delete(key);
    const { url, entries } = gathering;
    void sendPushBatch(
      url,
      entries.map((e) => e.delivery),
      this.outbound,
    ).then(
      (results) => entries.forEach((entry, i) => entry.resolve(results[i])),
      // As a single push's would: each attempt fails, and its job is retried.
      (error: unknown) => entries.forEach((entry) => entry.reject(error)),
    );
  }
}
