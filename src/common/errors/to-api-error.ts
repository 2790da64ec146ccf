import { HttpException } from '@nestjs/common';
import { ApiError, ErrorCode } from './api-error';
import { isUnavailable } from './unavailable';

/** Fastify's own errors (body parsing, limits, routing) mapped to SPEC codes. */
const FASTIFY_CODES: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [ErrorCode.PayloadTooLarge, 'Request body is larger than the allowed maximum'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [ErrorCode.UnsupportedMediaType, 'Content-Type must be application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [ErrorCode.ValidationFailed, 'Content-Length does not match the body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [
    ErrorCode.ValidationFailed,
    'Body must not be empty when Content-Type is JSON',
  ],
  FST_ERR_CTP_INVALID_JSON_BODY: [ErrorCode.ValidationFailed, 'Malformed JSON body'],
};

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.MethodNotAllowed,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  422: ErrorCode.IdempotencyKeyReused,
  503: ErrorCode.Unavailable,
};

/** Normalises anything thrown while serving a request; unknown errors become 500 internal_error. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isUnavailable(error)) {
    return new ApiError(ErrorCode.Unavailable, 'Postgres or Redis is unreachable right now; retry shortly');
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code =
      CODE_BY_STATUS[status] ?? (status < 500 ? ErrorCode.ValidationFailed : ErrorCode.InternalError);
    return new ApiError(code, status >= 500 ? 'Internal server error' : error.message);
  }
  const fastify = error as { code?: string; statusCode?: number; message?: string };
  if (fastify && typeof fastify.code === 'string') {
    const known = FASTIFY_CODES[fastify.code];
    if (known) return new ApiError(known[0], known[1]);
    if (fastify.code.startsWith('FST_ERR_CTP_')) {
      return new ApiError(ErrorCode.ValidationFailed, 'Malformed request body');
    }
  }
  if (error instanceof SyntaxError && fastify.statusCode === 400) {
    return new ApiError(ErrorCode.ValidationFailed, 'Malformed JSON body');
  }
  const status = fastify?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(
      CODE_BY_STATUS[status] ?? ErrorCode.ValidationFailed,
      fastify.message ?? 'Bad request',
    );
  }
  return new ApiError(ErrorCode.InternalError, 'Internal server error');
}
