import type { ProducerGroup } from './producer-group.entity';

export class ProducerGroupView {
  name: string;
  checkbackUrl: string;
  checkbackTimeoutMs: number;
  checkImmunitySeconds: number;
  checkIntervalSeconds: number;
  maxCheckIntervalSeconds: number;
  maxChecks: number;
  /** Until when the previous secret still signs check-backs after a rotation. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A created producer group: its signing secret is answered this once. */
export class CreatedProducerGroupView extends ProducerGroupView {
  secret?: string;
}

export class CheckLatencyView {
  p50: number | null;
  p99: number | null;
}

export class CheckErrorView {
  at: string;
  attempt: number;
  httpStatus: number | null;
  error: string | null;
}

export class CheckbackHealthView {
  /** Check-backs sent in the last 24 hours. */
  checks24h: number;
  /** Share of those that got a well-formed verdict (COMMIT, ROLLBACK or UNKNOWN); null with no checks. */
  successRate: number | null;
  latencyMs: CheckLatencyView;
  lastError: CheckErrorView | null;
}

/** `GET /v1/producer-groups/{group}`: the config with check-back health. */
export class ProducerGroupWithHealthView extends ProducerGroupView {
  checkbackHealth: CheckbackHealthView;
}

export class RotatedSecretView {
  name: string;
  secret: string;
  /** Until when check-backs also carry a signature from the previous secret. */
  previousSecretExpiresAt: string;
}

export const toProducerGroupView = (group: ProducerGroup, now = new Date()): ProducerGroupView => ({
  name: group.name,
  checkbackUrl: group.checkbackUrl,
  checkbackTimeoutMs: group.checkbackTimeoutMs,
  checkImmunitySeconds: group.checkImmunitySeconds,
  checkIntervalSeconds: group.checkIntervalSeconds,
  maxCheckIntervalSeconds: group.maxCheckIntervalSeconds,
  maxChecks: group.maxChecks,
  previousSecretExpiresAt:
    group.previousSecretExpiresAt && group.previousSecretExpiresAt > now
      ? group.previousSecretExpiresAt.toISOString()
      : null,
  createdAt: group.createdAt.toISOString(),
  updatedAt: group.updatedAt.toISOString(),
});
