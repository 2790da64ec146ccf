// A pull consumer loop (SPEC §7): receives up to `concurrency` messages at a time, runs `handle` on
// each, acks what succeeded, nacks what failed, extends the invisible time of long handlers, and
// stops gracefully (no new receives; handlers in flight finish and are acked).
import type { TxmsgClient } from './client';
import { retryAfterOf } from './handlers';
import { withTraceOf } from './trace';
import type { ReceivedMessage } from './types';

export interface ConsumeOptions {
  /** Handlers at once (default 10). */
  concurrency?: number;
  /** Long-poll wait (default 20 s). */
  waitSeconds?: number;
  /** Invisible time per receive (default 30 s); extended while a handler still runs. */
  invisibleSeconds?: number;
  /** Broadcasting groups: this member's id. */
  consumerId?: string;
  /** Called with errors of the loop itself (receive, ack); it carries on after a short pause. */
  onError?: (error: unknown) => void;
}

export interface Consumer {
  /** Stops receiving, waits for handlers in flight (they are acked or nacked), then resolves. */
  stop(): Promise<void>;
}

/** Resolves: acked. Resolves to `{retryAfterSeconds}`: nacked with that delay. Throws: nacked. */
export type PullHandler = (message: ReceivedMessage) => Promise<unknown>;

export function consume(
  client: TxmsgClient,
  group: string,
  handle: PullHandler,
  options: ConsumeOptions = {},
): Consumer {
  const concurrency = options.concurrency ?? 10;
  const invisibleSeconds = options.invisibleSeconds ?? 30;
  const stopping = new AbortController();
  const running = new Set<Promise<void>>();
  const onError = options.onError ?? (() => undefined);

  const process = async (received: ReceivedMessage) => {
    // Extend before the invisible time runs out, for as long as the handler runs.
    const extend = setInterval(
      () => void client.extendVisibility(group, received.receiptHandle, invisibleSeconds).catch(onError),
      (invisibleSeconds * 1000) / 2,
    );
    try {
      const retryAfterSeconds = retryAfterOf(await withTraceOf(received.message, () => handle(received)));
      if (retryAfterSeconds !== undefined) {
        await client.nack(group, received.receiptHandle, retryAfterSeconds);
      } else {
        await client.ack(group, [received.receiptHandle]);
      }
    } catch {
      await client.nack(group, received.receiptHandle).catch(onError);
    } finally {
      clearInterval(extend);
    }
  };

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      if (running.size >= concurrency) {
        await Promise.race(running);
        continue;
      }
      try {
        const { messages } = await client.receive(
          group,
          {
            maxMessages: Math.min(100, concurrency - running.size),
            waitSeconds: options.waitSeconds ?? 20,
            invisibleSeconds,
            ...(options.consumerId ? { consumerId: options.consumerId } : {}),
          },
          stopping.signal,
        );
        for (const received of messages) {
          const task: Promise<void> = process(received)
            .catch(onError)
            .finally(() => running.delete(task));
          running.add(task);
        }
      } catch (error) {
        if (stopping.signal.aborted) break;
        onError(error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await loop;
      await Promise.all(running);
    },
  };
}
