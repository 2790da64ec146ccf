// Domain errors carry a machine-readable code (SPEC §3); the exception filter renders them.
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  MethodNotAllowed = 'method_not_allowed',
  RequestTimeout = 'request_timeout',
  Conflict = 'conflict',
  UriTooLong = 'uri_too_long',
  UnsupportedMediaType = 'unsupported_media_type',
  HeadersTooLarge = 'headers_too_large',
  IdempotencyKeyReused = 'idempotency_key_reused',
  SchemaViolation = 'schema_violation',
  PayloadTooLarge = 'payload_too_large',
  InternalError = 'internal_error',
  Unavailable = 'service_unavailable',
}

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.RequestTimeout]: 408,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UriTooLong]: 414,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.HeadersTooLarge]: 431,
  [ErrorCode.IdempotencyKeyReused]: 422,
  [ErrorCode.SchemaViolation]: 422,
  [ErrorCode.InternalError]: 500,
  [ErrorCode.Unavailable]: 503,
};

export interface ErrorDetail {
  field?: string;
  message: string;
  /** schema_violation: the message's index in the request, the JSON pointer in its body, the rule. */
  index?: number;
  pointer?: string;
  rule?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Fields the SPEC adds to this error's body (e.g. a refused claim's `claimed` and `state`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }

  static validation(message: string, details: ErrorDetail[] = []) {
    return new ApiError(ErrorCode.ValidationFailed, message, details);
  }
  static notFound(what: string) {
    return new ApiError(ErrorCode.NotFound, `${what} not found`);
  }
  static conflict(message: string, details: ErrorDetail[] = []) {
    return new ApiError(ErrorCode.Conflict, message, details);
  }
  static forbidden(message: string) {
    return new ApiError(ErrorCode.Forbidden, message);
  }
  static unauthorized(message: string) {
    return new ApiError(ErrorCode.Unauthorized, message);
  }
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details: ErrorDetail[];
}

export function errorBody(error: ApiError): ErrorBody {
  return {
    ...error.extra,
    statusCode: error.status,
    error: error.code,
    message: error.message,
    details: error.details,
  };
}
