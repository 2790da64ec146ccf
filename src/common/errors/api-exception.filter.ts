import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ErrorCode, errorBody } from './api-error';
import { toApiError } from './to-api-error';

/** How long a client should wait before retrying a 503 (an outage is usually seconds long). */
export const RETRY_AFTER_SECONDS = 2;

/** The one place errors are rendered: every error leaves in the SPEC §3 shape. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    let error = toApiError(exception);
    if (error.code === ErrorCode.InternalError) {
      this.logger.error({
        msg: 'unhandled error',
        requestId: request.id,
        method: request.method,
        url: request.url,
        err: describeError(exception),
      });
      error = new ApiError(ErrorCode.InternalError, `Internal server error (request ${request.id})`);
    }
    const reply = http.getResponse<FastifyReply>();
    if (error.code === ErrorCode.Unavailable) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    void reply
      .status(error.status)
      .header('content-type', 'application/json; charset=utf-8')
      .send(errorBody(error));
  }
}

/** An error as a log line carries it: name, message and stack. */
export function describeError(error: unknown) {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : String(error);
}
