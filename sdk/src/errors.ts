/**
 * Every failure the client reports: an HTTP error answer (the SPEC's `{statusCode, error,
 * message, details}`), or `status` 0 with `code` `connection_failed` when txmsg could not be
 * reached after the retries.
 */
export class TxmsgError extends Error {
  constructor(
    /** HTTP status, or 0 when no answer came. */
    readonly status: number,
    /** The SPEC's error code: `validation_failed`, `not_found`, `conflict`, … */
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'TxmsgError';
  }
}
