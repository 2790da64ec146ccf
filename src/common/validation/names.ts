import { PipeTransform, Injectable } from '@nestjs/common';
import { Matches } from 'class-validator';
import { ApiError } from '../errors/api-error';

/** Topic and group names (SPEC §3). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,126}$/;
export const NAME_RULE = 'must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,126}$';

/** A list cursor's key that must be a topic or group name. */
export const isNameKey = (key: string) => NAME_PATTERN.test(key);

export const IsResourceName = (options: { each?: boolean } = {}) =>
  Matches(NAME_PATTERN, { message: `$property ${NAME_RULE}`, each: options.each });

/** Validates a name taken from the path (e.g. `/v1/topics/{topic}`). */
@Injectable()
export class ParseNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
      throw ApiError.validation(`name ${NAME_RULE}`, [{ field: 'name', message: NAME_RULE }]);
    }
    return value;
  }
}
