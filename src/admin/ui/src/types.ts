// Shapes of the admin API's answers, as the dashboard reads them (SPEC §10).
export interface Overview {
  generatedAt: string;
  transactions: {
    prepared: number;
    stuck: number;
    oldestPreparedAgeSeconds: number | null;
    checksFailed1h: number;
  };
  messages: { committed1h: number; delivered1h: number; deadLetters: number };
  producerGroups: {
    name: string;
    prepared: number;
    stuck: number;
    checkbackHealth: { checks1h: number; failed1h: number; successRate: number | null };
    lastError: { at: string; error: string | null; httpStatus: number | null } | null;
  }[];
  consumerGroups: ConsumerGroupBacklog[];
  series: {
    bucketSeconds: number;
    from: string;
    committed: number[];
    delivered: number[];
    checksFailed: number[];
    deadLettered: number[];
  };
}

export interface DeliveryStats {
  ready: number;
  inflight: number;
  retrying: number;
  delayed: number;
  deadLetters: number;
  oldestReadyAgeSeconds: number | null;
}

export interface ConsumerGroupBacklog extends DeliveryStats {
  name: string;
  topic: string;
  mode: string;
  delivery: string;
}

export interface LastCheck {
  at: string;
  outcome: string;
  httpStatus?: number;
  error?: string;
}

export interface OpenTransaction {
  id: string;
  producerGroup: string;
  state: string;
  createdAt: string;
  ageSeconds: number;
  checks: number;
  nextCheckAt: string | null;
  lastCheck: LastCheck | null;
  messages: { id: string; topic: string; key: string | null; tag: string | null }[];
}

export interface StuckSummaryRow {
  producerGroup: string;
  state: string;
  lastError: string | null;
  count: number;
  oldestAt: string;
  newestAt: string;
  lastCheckAt: string | null;
}

export interface TransactionDetail {
  id: string;
  state: string;
  producerGroup: string;
  createdAt: string;
  checks: number;
  nextCheckAt: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  messages: {
    id: string;
    topic: string;
    key: string | null;
    tag: string | null;
    body: unknown;
    headers: Record<string, string>;
  }[];
  checkHistory: {
    at: string;
    attempt: number;
    outcome: string;
    httpStatus?: number;
    latencyMs: number;
    error?: string;
  }[];
}

export interface BulkResult {
  matched: number;
  succeeded: number;
  failed: { id: string; error: string; message: string }[];
}

export interface ProducerGroup {
  name: string;
  checkbackUrl: string;
  maxChecks: number;
  checkIntervalSeconds: number;
  checkbackHealth?: {
    checks24h: number;
    successRate: number | null;
    latencyMs: { p50: number | null; p99: number | null };
    lastError: { at: string; attempt: number; httpStatus: number | null; error: string | null } | null;
  };
}

export interface DeliveredMessage {
  id: string;
  topic: string;
  key: string | null;
  tag: string | null;
  headers: Record<string, string>;
  body: unknown;
  publishedAt: string;
}

export interface DeadLetter {
  id: string;
  member?: string;
  message: DeliveredMessage;
  attempts: number;
  lastError: string | null;
  deadAt: string;
}

export interface MessageSummary {
  id: string;
  topic: string;
  state: string;
  transactionId: string | null;
  key: string | null;
  tag: string | null;
  createdAt: string;
  publishedAt: string | null;
}

export interface TraceEvent {
  at: string;
  type: string;
  consumerGroup?: string;
  attempt?: number;
  [detail: string]: unknown;
}

export interface MessageDetail extends MessageSummary {
  headers: Record<string, string>;
  body: unknown;
  deliveries: {
    consumerGroup: string;
    member?: string;
    state: string;
    attempts: number;
    lastError: string | null;
    ackedAt: string | null;
    deadAt: string | null;
  }[];
  trace: TraceEvent[];
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  count: number;
  result: string;
  detail?: { message?: string };
}

export interface TopicSummary {
  name: string;
  description: string;
  schema: { version: number; compatibility: 'none' | 'backward' } | null;
  createdAt: string;
  updatedAt: string;
}

export interface TopicDetail extends TopicSummary {
  counts: { messages: { prepared: number; committed: number; rolledBack: number }; consumerGroups: number };
}

export interface TopicSchemaVersion {
  topic: string;
  version: number;
  tag?: string;
  schema: unknown;
  createdAt: string;
}

export interface TopicSchemas {
  currentVersion: number | null;
  compatibility: 'none' | 'backward';
  items: TopicSchemaVersion[];
}
