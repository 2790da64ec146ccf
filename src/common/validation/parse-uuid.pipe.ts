import { Injectable, PipeTransform } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import { UUID_PATTERN } from './uuid';

/** Path ids are UUIDs; anything else is a 400, not a database error. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
      throw ApiError.validation('id must be a UUID', [{ field: 'id', message: 'must be a UUID' }]);
    }
    return value.toLowerCase();
  }
}
