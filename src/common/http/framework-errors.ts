// Errors the HTTP server raises before a request reaches a route (a bad escape in the path, a
// path parameter over the limit, a malformed request line, oversized headers, a client time-out)
// leave in the SPEC §3 shape like every other error.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError, ErrorCode, errorBody } from '../errors/api-error';

const BEFORE_ROUTING: Record<string, [ErrorCode, string]> = {
  FST_ERR_BAD_URL: [ErrorCode.ValidationFailed, 'the request path is not a valid URL (bad percent-encoding)'],
  FST_ERR_MAX_PARAM_LENGTH: [ErrorCode.UriTooLong, 'a path segment is longer than 1024 characters'],
  FST_ERR_ASYNC_CONSTRAINT: [ErrorCode.ValidationFailed, 'the request does not match a route'],
};

/** Fastify's `frameworkErrors`: routing failures answered in the SPEC shape. */
export function onFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const [code, message] = BEFORE_ROUTING[error.code] ?? [ErrorCode.ValidationFailed, 'bad request'];
  const apiError = new ApiError(code, message);
  void reply
    .status(apiError.status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(errorBody(apiError));
}

/** Fastify's `clientErrorHandler`: requests Node's HTTP parser refused, answered on the raw socket. */
export function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const apiError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError(ErrorCode.HeadersTooLarge, 'the request headers are larger than 16 KiB')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError(ErrorCode.RequestTimeout, 'the request did not arrive in time')
        : new ApiError(ErrorCode.ValidationFailed, 'malformed HTTP request');
  const body = JSON.stringify(errorBody(apiError));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
