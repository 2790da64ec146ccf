import type { TraceContext } from '../observability/trace-context';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { IsResourceName } from '../common/validation/names';
import { OpaqueJson } from '../common/validation/opaque-json';
import { ApiAnyJson } from '../common/http/any-json';

export const MAX_DELAY_MS = 7 * 24 * 3600 * 1000;
const MAX_HEADERS = 32;

/** A string→string map with at most 32 entries (SPEC §3 `headers`). */
function IsHeaderMap(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isHeaderMap',
      target: target.constructor,
      propertyName,
      options: {
        message: `$property must be an object of at most ${MAX_HEADERS} string values (names ≤ 128, values ≤ 4096 characters)`,
        ...options,
      },
      validator: {
        validate(value: unknown) {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= MAX_HEADERS &&
            entries.every(
              ([name, v]) =>
                name.length > 0 && name.length <= 128 && typeof v === 'string' && v.length <= 4096,
            )
          );
        },
      },
    });
}

function IsPresent() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPresent',
      target: target.constructor,
      propertyName,
      options: { message: '$property is required (any JSON value)' },
      validator: { validate: (value: unknown) => value !== undefined },
    });
}

/** 1..`max` messages, each an object validated as `type` (its body opaque): batches and transactions. */
export const IsMessageList = (type: () => new () => MessageFieldsDto, max: number) =>
  applyDecorators(
    ApiProperty({ minItems: 1, maxItems: max }),
    IsArray(),
    IsObject({ each: true, message: 'messages must be objects' }),
    ArrayMinSize(1),
    ArrayMaxSize(max),
    ValidateNested({ each: true }),
    Type(type),
  );

/** Message fields shared by plain sends and transactions (SPEC §3). */
@OpaqueJson('body')
export class MessageFieldsDto {
  @ApiAnyJson('Any JSON value (null included); only a missing body is refused.')
  @IsPresent()
  body: unknown;
  @IsOptional() @IsString() @MaxLength(128) key?: string;
  @IsOptional() @IsString() @MaxLength(64) tag?: string;
  @IsOptional() @IsHeaderMap() headers?: Record<string, string>;
  @IsOptional() @IsString() @MaxLength(128) shardingKey?: string;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_DELAY_MS) delayMs?: number;
}

export class TransactionMessageDto extends MessageFieldsDto {
  @IsResourceName() topic: string;
}

@OpaqueJson('messages.*.body')
export class SendBatchDto {
  @IsMessageList(() => MessageFieldsDto, 1000) messages: MessageFieldsDto[];
}

/** A message ready to store; `topic` already checked. */
export interface NewMessage extends MessageFieldsDto {
  id: string;
  topic: string;
  /** The W3C trace context the producer sent it in (SPEC §5), or none. */
  trace?: TraceContext | null;
  /** The topic schema version its body was checked against (SPEC §4), or none. */
  schemaVersion?: number | null;
}
