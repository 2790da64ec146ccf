// What a route answers, for the OpenAPI document: its 2xx body and its error answers, each in
// the SPEC's error shape. A spec walks the document and checks real answers against it.
import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorView } from '../errors/error.view';

const ERROR_MEANING: Record<number, string> = {
  400: 'validation_failed: malformed JSON, an unknown field or a value out of range',
  401: 'unauthorized: no valid bearer token',
  403: "forbidden: outside the token's role or grants",
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'idempotency_key_reused or schema_violation',
  503: 'service_unavailable: Postgres (or what the route needs) is unreachable; retry',
};

/** The route's error answers, each in the SPEC's error shape. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_MEANING[status] ?? 'error', type: ErrorView }),
    ),
  );

/** Errors any authenticated /v1 route can answer (put on the controller). */
export const ApiAuthErrors = () => ApiErrors(401, 403, 503);

/** The route's 2xx answer: a body of `type` (an array of it with `isArray`), or none (204). */
export const ApiAnswer = (
  status: number,
  type?: Type<unknown>,
  options: { isArray?: boolean; description?: string } = {},
) =>
  ApiResponse({
    status,
    description: options.description ?? '',
    ...(type && { type, isArray: options.isArray }),
  });

/** A list answer (SPEC §3): `{items: [type], nextCursor}`. */
export const ApiPage = (type: Type<unknown>) =>
  applyDecorators(
    ApiExtraModels(type),
    ApiResponse({
      status: 200,
      description: 'one page; pass nextCursor as ?cursor= for the next (null: the last page)',
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(type) } },
          nextCursor: { type: 'string', nullable: true },
        },
      },
    }),
  );
