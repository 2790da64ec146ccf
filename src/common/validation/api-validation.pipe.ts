import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ApiError, type ErrorDetail } from '../errors/api-error';
import { detachOpaque, opaquePathsOf } from './opaque-json';
import { droppedKeys, nullFields } from './raw-shape';
import { findJsonProblem } from './storable-text';

/** Flattens nested class-validator errors into `{field, message}` details with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property (\S+) should not exist$/, 'unknown field $1'),
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

const invalid = (details: ErrorDetail[]) =>
  ApiError.validation(details.map((d) => `${d.field}: ${d.message}`).join('; '), details);

/**
 * Query and path values are checked for text Postgres cannot store (bodies were, when parsed).
 * A body is validated without its opaque JSON fields (message bodies), which are put back
 * afterwards; keys class-transformer would drop and explicit nulls are refused. A request
 * without a body validates as `{}`, so required fields are named in the error.
 */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'query' || metadata.type === 'param') {
      const problem = findJsonProblem(value, metadata.type === 'param' ? (metadata.data ?? 'path') : '');
      if (problem) throw invalid([problem]);
    }
    if (metadata.type !== 'body') return super.transform(value, metadata);
    if (value === undefined) return super.transform({}, metadata);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw ApiError.validation('request body must be a JSON object', [
        { field: 'body', message: 'must be a JSON object' },
      ]);
    }
    const { shallow, reattach } = detachOpaque(value, opaquePathsOf(metadata.metatype));
    const nulls = nullFields(shallow);
    if (nulls.length > 0) throw invalid(nulls);
    // Nest's pipe deletes `constructor` and `__proto__` keys from what it is given, in place.
    const sent = structuredClone(shallow);
    const instance: unknown = await super.transform(shallow, metadata);
    const dropped = droppedKeys(sent, instance);
    if (dropped.length > 0) throw invalid(dropped);
    reattach(instance);
    return instance;
  }
}

/** Whitelists DTO fields, rejects unknown ones, and fails with `validation_failed`. */
export function apiValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      const message =
        details.length > 0 ? details.map((d) => `${d.field}: ${d.message}`).join('; ') : 'Invalid request';
      return ApiError.validation(message, details);
    },
  });
}
