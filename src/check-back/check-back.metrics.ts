import { Counter, Histogram } from 'prom-client';
import { registry } from '../observability/metrics';

export const checkbacksTotal = new Counter({
  name: 'txmsg_checkbacks_total',
  help: 'Check-back requests sent, by producer group and outcome',
  labelNames: ['producer_group', 'outcome'] as const,
  registers: [registry],
});

export const checkbackLatency = new Histogram({
  name: 'txmsg_checkback_duration_seconds',
  help: 'Check-back request duration by producer group',
  labelNames: ['producer_group'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const transactionsStuckTotal = new Counter({
  name: 'txmsg_transactions_stuck_total',
  help: 'Transactions that became STUCK after maxChecks unanswered checks',
  labelNames: ['producer_group'] as const,
  registers: [registry],
});
