import { IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsResourceName } from '../../common/validation/names';
import { UUID_PATTERN } from '../../common/validation/uuid';
import { OPEN_STATES, type OpenState } from '../../transactions/transaction-state';

export const BULK_ACTIONS = ['commit', 'rollback', 'recheck'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

const TEN_YEARS = 10 * 365 * 24 * 3600;

/** Filters shared by the list, the stuck summary and bulk actions. */
export class OpenTransactionsQuery {
  @IsOptional() @IsResourceName() producerGroup?: string;
  /** Only transactions created at least this long ago. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(TEN_YEARS) olderThanSeconds?: number;
}

export class AdminTransactionsQuery extends IntersectionType(PageQuery, OpenTransactionsQuery) {
  /** PREPARED or STUCK; both when omitted. */
  @IsOptional() @IsIn(OPEN_STATES) state?: OpenState;
}

export class BulkFilterDto {
  @IsIn(OPEN_STATES) state: OpenState;
  @IsOptional() @IsResourceName() producerGroup?: string;
  @IsOptional() @IsInt() @Min(0) @Max(TEN_YEARS) olderThanSeconds?: number;
}

export class BulkActionDto {
  @IsIn(BULK_ACTIONS) action: BulkAction;
  /** 1..500 transaction ids; or `filter`, never both. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @Matches(UUID_PATTERN, { each: true, message: 'ids must be UUIDs' })
  ids?: string[];
  /** Acts on at most 10,000 matching transactions, oldest first. */
  @IsOptional()
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => BulkFilterDto)
  filter?: BulkFilterDto;
}
