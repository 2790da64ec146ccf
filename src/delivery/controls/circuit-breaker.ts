// The circuit breaker of push endpoints (SPEC §7 `delivery.circuitBreaker`). Push attempts report
// here; their outcomes are applied per endpoint in Postgres (group-committed, so instances agree
// and a restart keeps the state). While a circuit is open the claim skips its deliveries (see
// push-gate.sql.ts): nothing is sent and nothing counts against maxRetries. On the dispatch instance,
// each reconciler round turns due open circuits half-open with one real delivery as the probe.
// When a circuit closes, the group's deliveries to that endpoint are handed over again, in order.
import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { GroupCommit, succeeded } from '../../common/group-commit';
import { AppConfig } from '../../config/app-config';
import { HotPath } from '../../infra/database/hot-path';
import { queryRows } from '../../infra/database/sql';
import { registry } from '../../observability/metrics';
import { observeBatches } from '../../observability/group-commit.metrics';
import { DeliveriesRepository, type QueuedDelivery } from '../dispatch/deliveries.repository';
import { PushQueue } from '../dispatch/push-queue';
import { CIRCUIT_PROBE_SQL, CIRCUIT_RECORD_SQL, CIRCUIT_REPAIR_SQL } from './circuit.sql';

/** What one push attempt to an endpoint of a group with a circuit breaker said. */
export interface EndpointOutcome {
  group: string;
  url: string;
  ok: boolean;
  error: string | null;
}

const circuitTransitions = new Counter({
  name: 'txmsg_push_circuit_transitions_total',
  help: 'Push endpoint circuits that changed state, by consumer group and the state entered',
  labelNames: ['consumer_group', 'state'] as const,
  registers: [registry],
});

@Injectable()
export class CircuitBreaker {
  private readonly logger = new Logger('circuit');
  private readonly outcomes = new GroupCommit<EndpointOutcome, void>(
    async (batch) => {
      await this.apply(batch);
      return batch.map(() => succeeded(undefined));
    },
    { maxBatch: 500, maxInFlight: 2, onBatch: observeBatches('push_circuit') },
  );

  constructor(
    private readonly hotPath: HotPath,
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: PushQueue,
    private readonly config: AppConfig,
  ) {
    const dataSource = () => this.hotPath.dataSource;
    new Gauge({
      name: 'txmsg_push_circuit_open',
      help: 'Push endpoints whose circuit is open (1) or half-open (0.5); closed ones are 0',
      labelNames: ['consumer_group', 'url'],
      registers: [registry],
      async collect() {
        const rows = await queryRows<{ consumerGroup: string; url: string; state: string }>(
          dataSource(),
          `SELECT consumer_group, url, state FROM push_endpoints`,
        ).catch(() => null);
        this.reset();
        for (const row of rows ?? []) {
          const value = row.state === 'open' ? 1 : row.state === 'half_open' ? 0.5 : 0;
          this.set({ consumer_group: row.consumerGroup, url: row.url }, value);
        }
      },
    });
  }

  /** Counts an attempt towards its endpoint's circuit; never fails the push it came from. */
  async observe(outcome: EndpointOutcome): Promise<void> {
    try {
      await this.outcomes.add(outcome);
    } catch (error) {
      this.logger.warn({ msg: 'could not update a circuit', group: outcome.group, error: String(error) });
    }
  }

  /** One reconciler round: repairs stale half-open circuits, then queues the due probes. */
  async probe(): Promise<void> {
    const closed = await queryRows<{ consumerGroup: string; url: string }>(
      this.hotPath.dataSource,
      CIRCUIT_REPAIR_SQL,
      [this.config.delivery.leaseMarginSeconds],
    );
    for (const endpoint of closed) await this.handOver(endpoint.consumerGroup, endpoint.url);
    const probes = await queryRows<{ id: string; consumerGroup: string; attempt: number }>(
      this.hotPath.dataSource,
      CIRCUIT_PROBE_SQL,
    );
    const queued: QueuedDelivery[] = probes
      .filter((probe) => probe.id !== null)
      .map((probe) => ({
        id: probe.id,
        consumerGroup: probe.consumerGroup,
        deliveryType: 'push',
        attempt: probe.attempt,
        delayMs: 0,
      }));
    for (const probe of queued)
      circuitTransitions.inc({ consumer_group: probe.consumerGroup, state: 'half_open' });
    await this.queue.enqueue(queued);
  }

  private async apply(batch: EndpointOutcome[]): Promise<void> {
    // Per endpoint, in the order the attempts ended: failures since the last success.
    const byEndpoint = new Map<
      string,
      { group: string; url: string; failures: number; succeeded: boolean; lastError: string | null }
    >();
    for (const outcome of batch) {
      const key = `${outcome.group}\n${outcome.url}`;
      const entry = byEndpoint.get(key) ?? {
        group: outcome.group,
        url: outcome.url,
        failures: 0,
        succeeded: false,
        lastError: null,
      };
      if (outcome.ok) {
        entry.succeeded = true;
        entry.failures = 0;
      } else {
        entry.failures += 1;
        entry.lastError = outcome.error;
      }
      byEndpoint.set(key, entry);
    }
    const entries = [...byEndpoint.values()];
    const rows = await queryRows<{
      consumerGroup: string;
      url: string;
      was: string;
      state: string;
      lastError: string | null;
    }>(this.hotPath.dataSource, CIRCUIT_RECORD_SQL, [
      entries.map((e) => e.group),
      entries.map((e) => e.url),
      entries.map((e) => e.failures),
      entries.map((e) => e.succeeded),
      entries.map((e) => e.lastError),
    ]);
    for (const row of rows) {
      if (row.was === row.state) continue;
      circuitTransitions.inc({ consumer_group: row.consumerGroup, state: row.state });
      if (row.state === 'open') {
        this.logger.warn({
          msg: 'circuit opened',
          group: row.consumerGroup,
          url: row.url,
          lastError: row.lastError,
        });
      } else if (row.state === 'closed') {
        this.logger.log({ msg: 'circuit closed', group: row.consumerGroup, url: row.url });
        await this.handOver(row.consumerGroup, row.url);
      }
    }
  }

  /** Queues what waited for a closed circuit; a failure leaves it to the reconciler. */
  private async handOver(group: string, url: string): Promise<void> {
    try {
      await this.queue.enqueue(await this.deliveries.readyToPush(group, url));
    } catch (error) {
      this.logger.warn({ msg: 'could not hand over after the circuit closed', group, error: String(error) });
    }
  }
}
