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
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsResourceName } from '../common/validation/names';

const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class FilterDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  tags: string[];
}

/** `delivery.batch`: up to `maxMessages` messages a push, the first waiting `maxWaitMs` for company. */
export class PushBatchDto {
  @IsInt() @Min(1) @Max(100) maxMessages: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000) maxWaitMs?: number;
}

/** `delivery.circuitBreaker`: `failures` in a row open an endpoint's circuit; a probe every `probeSeconds`. */
export class CircuitBreakerDto {
  @IsInt() @Min(1) @Max(1000) failures: number;
  @IsInt() @Min(1) @Max(3600) probeSeconds: number;
}

/**
 * `{type: "push", url | urls, timeoutMs?, maxConcurrency?, batch?, maxPerSecond?, circuitBreaker?}`
 * or `{type: "pull"}` (SPEC §7).
 */
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
  @IsOptional() @IsObject() @ValidateNested() @Type(() => PushBatchDto) batch?: PushBatchDto;
  @IsOptional() @IsInt() @Min(1) @Max(100_000) maxPerSecond?: number;
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CircuitBreakerDto)
  circuitBreaker?: CircuitBreakerDto;
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
