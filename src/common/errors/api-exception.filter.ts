import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, errorBody } from './api-error';
import { toApiError } from './to-api-error';

/** The one place errors are rendered: every error leaves in the SPEC §3 shape. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const error = toApiError(exception);
    if (error.code === ErrorCode.InternalError) {
      this.logger.error({
        msg: 'unhandled error',
        method: request.method,
        url: request.url,
        err: describe(exception),
      });
    }
    void http
      .getResponse<FastifyReply>()
      .status(error.status)
      .header('content-type', 'application/json; charset=utf-8')
      .send(errorBody(error));
  }
}

function describe(error: unknown) {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : String(error);
}
