import type { ProducerGroup } from './producer-group.entity';

export interface ProducerGroupView {
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
