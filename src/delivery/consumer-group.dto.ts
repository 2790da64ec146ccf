import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsIsoTime } from '../common/validation/iso-time';
import { IsResourceName } from '../common/validation/names';
import { UUID_PATTERN } from '../common/validation/parse-uuid.pipe';
import { DEFAULT_MAX_RETRIES, DEFAULT_RETRY_BACKOFF_SECONDS } from './retry-policy';

const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export const CONSUMER_GROUP_DEFAULTS = {
  mode: 'clustering' as const,
  ordered: false,
  pushTimeoutMs: 10_000,
  maxConcurrency: 32,
  maxRetries: DEFAULT_MAX_RETRIES,
  retryBackoffSeconds: DEFAULT_RETRY_BACKOFF_SECONDS,
  dedupe: { by: 'id' as const, windowSeconds: 604_800 },
};

export class FilterDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  tags: string[];
}

/** `{type: "push", url | urls, timeoutMs?, maxConcurrency?}` or `{type: "pull"}` (SPEC §7). */
export class DeliveryDto {
  @IsIn(['push', 'pull']) type: 'push' | 'pull';
  @IsOptional() @IsUrl(HTTP_URL, { message: 'url must be an http(s) URL' }) @MaxLength(2048) url?: string;
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUrl(HTTP_URL, { each: true, message: 'urls must be http(s) URLs' })
  @MaxLength(2048, { each: true })
  urls?: string[];
  @IsOptional() @IsInt() @Min(100) @Max(120_000) timeoutMs?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1000) maxConcurrency?: number;
}

export class DedupeDto {
  @IsIn(['id', 'key']) by: 'id' | 'key';
  @IsOptional() @IsInt() @Min(1) @Max(90 * 86_400) windowSeconds?: number;
}

export class PutConsumerGroupDto {
  @IsResourceName() topic: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => FilterDto) filter?: FilterDto;
  @IsOptional() @IsIn(['clustering', 'broadcasting']) mode?: 'clustering' | 'broadcasting';
  @IsOptional() @IsBoolean() ordered?: boolean;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => DeliveryDto) delivery: DeliveryDto;
  @IsOptional() @IsInt() @Min(0) @Max(100) maxRetries?: number;
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(7 * 86_400, { each: true })
  retryBackoffSeconds?: number[];
  @IsOptional() @IsObject() @ValidateNested() @Type(() => DedupeDto) dedupe?: DedupeDto;
}

export class ReceiveDto {
  @IsOptional() @IsInt() @Min(1) @Max(100) maxMessages?: number;
  @IsOptional() @IsInt() @Min(0) @Max(30) waitSeconds?: number;
  @IsOptional() @IsInt() @Min(1) @Max(43_200) invisibleSeconds?: number;
  @IsOptional() @IsString() @MaxLength(128) consumerId?: string;
}

export class AckDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  receiptHandles: string[];
}

export class NackDto {
  @IsString() @MaxLength(256) receiptHandle: string;
  @IsOptional() @IsInt() @Min(0) @Max(43_200) retryAfterSeconds?: number;
}

export class VisibilityDto {
  @IsString() @MaxLength(256) receiptHandle: string;
  @IsInt() @Min(0) @Max(43_200) invisibleSeconds: number;
}

export class RedriveDto {
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Matches(UUID_PATTERN, { each: true, message: 'ids must be UUIDs' })
  ids?: string[];
}

export class ReplayDto {
  /** ISO time: messages committed at or after it are delivered again. */
  @IsDefined() @IsIsoTime() from: Date;
}
