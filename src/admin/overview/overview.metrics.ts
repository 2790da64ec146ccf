// Prometheus gauges for the overview's headline figures, so alerts need no dashboard. They are
// read from the overview (cached briefly) when /metrics is scraped.
import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { registry } from '../../observability/metrics';
import { OverviewService, type Overview } from './overview.service';

const CACHE_MS = 2000;

@Injectable()
export class OverviewMetrics {
  private cached?: { at: number; overview: Promise<Overview> };

  constructor(private readonly overviews: OverviewService) {
    const read = () => this.overview();
    const gauge = <L extends string>(name: string, help: string, labelNames: L[], fill: Fill<L>) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          // With Postgres unreachable the gauges are empty rather than /metrics failing.
          const overview = await read().catch(() => null);
          this.reset();
          if (overview) fill(this, overview);
        },
      });
    gauge(
      'txmsg_transactions_open',
      'PREPARED and STUCK transactions now, by producer group and state',
      ['producer_group', 'state'],
      (g, o) => {
        for (const group of o.producerGroups) {
          g.set({ producer_group: group.name, state: 'PREPARED' }, group.prepared);
          g.set({ producer_group: group.name, state: 'STUCK' }, group.stuck);
        }
      },
    );
    gauge(
      'txmsg_transactions_oldest_prepared_age_seconds',
      'Age of the oldest PREPARED transaction (0 with none)',
      [],
      (g, o) => g.set(o.transactions.oldestPreparedAgeSeconds ?? 0),
    );
    const perGroup = (
      name: string,
      help: string,
      pick: (group: Overview['consumerGroups'][number]) => number,
    ) =>
      gauge(name, help, ['consumer_group'], (g, o) => {
        for (const group of o.consumerGroups) g.set({ consumer_group: group.name }, pick(group));
      });
    perGroup('txmsg_consumer_group_ready', 'Deliveries due and waiting, by consumer group', (g) => g.ready);
    perGroup(
      'txmsg_consumer_group_delayed',
      'Deliveries not yet due (delayMs), by consumer group',
      (g) => g.delayed,
    );
    perGroup(
      'txmsg_consumer_group_retrying',
      'Deliveries waiting for a retry, by consumer group',
      (g) => g.retrying,
    );
    perGroup('txmsg_consumer_group_inflight', 'Deliveries in flight, by consumer group', (g) => g.inflight);
    perGroup('txmsg_consumer_group_dead_letters', 'Dead letters, by consumer group', (g) => g.deadLetters);
    perGroup(
      'txmsg_consumer_group_oldest_ready_age_seconds',
      'How long the oldest due delivery has waited (0 with none), by consumer group',
      (g) => g.oldestReadyAgeSeconds ?? 0,
    );
  }

  private overview(): Promise<Overview> {
    if (!this.cached || Date.now() - this.cached.at > CACHE_MS) {
      this.cached = { at: Date.now(), overview: this.overviews.overview() };
      this.cached.overview.catch(() => (this.cached = undefined));
    }
    return this.cached.overview;
  }
}

type Fill<L extends string> = (gauge: Gauge<L>, overview: Overview) => void;
