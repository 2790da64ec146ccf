import { Injectable, type PipeTransform } from '@nestjs/common';
import { ApiError } from '../errors/api-error';

/** For routes that take no query parameters: any given is named in a 400 rather than ignored. */
@Injectable()
export class NoQueryPipe implements PipeTransform<Record<string, unknown>, Record<string, never>> {
  transform(query: Record<string, unknown>): Record<string, never> {
    const unknown = Object.keys(query ?? {});
    if (unknown.length > 0) {
      throw ApiError.validation(
        `unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
        unknown.map((field) => ({ field, message: `unknown field ${field}` })),
      );
    }
    return {};
  }
}
