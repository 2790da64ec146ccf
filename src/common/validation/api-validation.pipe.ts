import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ApiError, type ErrorDetail } from '../errors/api-error';

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

/** A request without a body validates as `{}`, so required fields are named in the error. */
class ApiValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type !== 'body') return super.transform(value, metadata);
    if (value === undefined) return super.transform({}, metadata);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw ApiError.validation('request body must be a JSON object', [
        { field: 'body', message: 'must be a JSON object' },
      ]);
    }
    return super.transform(value, metadata);
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
