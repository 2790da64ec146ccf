import { Counter, Histogram } from 'prom-client';
import { registry } from '../observability/metrics';

export const deliveryAttemptsTotal = new Counter({
  name: 'txmsg_delivery_attempts_total',
  help: 'Delivery attempts finished, by consumer group and outcome (acked, failed, nacked, expired)',
  labelNames: ['consumer_group', 'outcome'] as const,
  registers: [registry],
});

export const pushLatency = new Histogram({
  name: 'txmsg_push_duration_seconds',
  help: 'Push request duration by consumer group',
  labelNames: ['consumer_group'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const deadLettersTotal = new Counter({
  name: 'txmsg_dead_letters_total',
  help: 'Deliveries moved to dead letters, by consumer group',
  labelNames: ['consumer_group'] as const,
  registers: [registry],
});

export const reconciledTotal = new Counter({
  name: 'txmsg_reconciled_deliveries_total',
  help: 'Deliveries the reconciler handed back to the queue (overdue) or expired (lease ran out)',
  labelNames: ['reason'] as const,
  registers: [registry],
});
