export const AUDITED_KEY = 'txmsg:audited';

/** What an audited request did, read from its path parameters, body and response. */
export interface AuditedCall {
  params: Record<string, string>;
  body: Record<string, unknown> | undefined;
  /** The handler's response; undefined when it failed. */
  result: unknown;
}

export interface AuditSpec {
  action: string;
  target: (call: AuditedCall) => string;
  /** How many things the write touched; 1 unless said otherwise (0 when it failed). */
  count?: (result: unknown) => number;
  /** `ok` unless said otherwise (e.g. `partial` for a bulk action with failures). */
  result?: (result: unknown) => string;
}
