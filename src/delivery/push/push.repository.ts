import { Injectable } from '@nestjs/common';
import { queryPrepared } from '../../infra/database/sql';
import {
  PUSH_CLAIM_SQL,
  PUSH_RECORD_SQL,
  pushClaimParams,
  pushRecordParams,
  type PushOutcome,
} from './push.sql';

export type { PushOutcome };
import type { PushAttempt } from '../dispatch/push-job';
import { HotPath } from '../../infra/database/hot-path';
import { AppConfig } from '../../config/app-config';

/** A push delivery claimed for one attempt, with what is needed to send it. */
export interface ClaimedPush {
  id: string;
  messageId: string;
  consumerGroup: string;
  member: string;
  attempts: number;
  /** Attempts that do not count against maxRetries (failed probes of a half-open circuit). */
  freeAttempts: number;
  shardingKey: string | null;
  pushUrls: string[];
  mode: 'clustering' | 'broadcasting';
  ordered: boolean;
  pushTimeoutMs: number;
  secret: string;
  maxRetries: number;
  retryBackoffSeconds: number[];
  dedupeBy: 'id' | 'key' | null;
  dedupeWindowSeconds: number | null;
  /** Batched push (`delivery.batch`): null when the group pushes one message a request. */
  pushBatchMaxMessages: number | null;
  pushBatchMaxWaitMs: number | null;
  circuitFailures: number | null;
  circuitProbeSeconds: number | null;
  /** Sent as the probe of its endpoint's half-open circuit. */
  probe: boolean;
  topic: string;
  key: string | null;
  tag: string | null;
  headers: Record<string, string>;
  /** The body exactly as stored (json text), spliced into the request unchanged. */
  body: string;
  publishedAt: Date;
  /** The W3C trace context the message was produced in (SPEC §5), or null. */
  traceparent: string | null;
  tracestate: string | null;
  /** The topic schema version the body was checked against (SPEC §4), or null. */
  schemaVersion: number | null;
}

export interface RecordedPush {
  id: string;
  consumerGroup: string;
  member: string;
  shardingKey: string | null;
  state: 'acked' | 'retrying' | 'dead';
}

@Injectable()
export class PushRepository {
  constructor(
    private readonly hotPath: HotPath,
    private readonly config: AppConfig,
  ) {}

  /**
   * Claims deliveries for the given attempts: only if still pending or retrying at the previous
   * attempt (so a stale or repeated job does nothing) and, in ordered groups, only the oldest
   * unfinished message of its key (G4).
   *
   * Claim and record run as prepared statements whose cached plan may be made before the table has
   * statistics. They look rows up by `d.id = ANY ($1)` and pass the states as a parameter, so the
   * plan cannot pick a partial index on state (which would scan the whole backlog per call).
   */
  claim(requests: PushAttempt[]): Promise<ClaimedPush[]> {
    return queryPrepared<ClaimedPush>(
      this.hotPath.dataSource,
      'txmsg_push_claim',
      PUSH_CLAIM_SQL,
      pushClaimParams(requests, this.config.delivery.leaseMarginSeconds),
    );
  }

  /** Lengthens the lease of an attempt that waits for its rate-limit slot by `seconds`. */
  async extendLease(id: string, attempt: number, seconds: number): Promise<void> {
    await queryPrepared(
      this.hotPath.dataSource,
      'txmsg_push_extend_lease',
      `UPDATE deliveries SET lease_until = lease_until + make_interval(secs => $3)
        WHERE id = $1 AND state = 'inflight' AND attempts = $2`,
      [id, attempt, seconds],
    );
  }

  /**
   * Records attempts and moves their deliveries on, if the lease is still theirs (the reconciler
   * may have expired it meanwhile). Acks are added to the groups' `acked_total`.
   */
  record(outcomes: PushOutcome[]): Promise<RecordedPush[]> {
    return queryPrepared<RecordedPush>(
      this.hotPath.dataSource,
      'txmsg_push_record',
      PUSH_RECORD_SQL,
      pushRecordParams(outcomes),
    );
  }
}
