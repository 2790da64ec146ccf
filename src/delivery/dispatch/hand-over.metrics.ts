import { Counter } from 'prom-client';
import { registry } from '../../observability/metrics';

export const pushHandOversTotal = new Counter({
  name: 'txmsg_push_handovers_total',
  help: 'Push jobs handed over, by path: run in the committing process (local) or queued in Redis (queue)',
  labelNames: ['path'] as const,
  registers: [registry],
});
