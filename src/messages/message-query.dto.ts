import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { IsResourceName } from '../common/validation/names';

export class MessageListQuery extends PageQuery {
  @IsOptional() @IsResourceName() topic?: string;
  @IsOptional() @IsString() @MaxLength(128) key?: string;
  @IsOptional() @IsString() @MaxLength(64) tag?: string;
  /** ISO time; messages created at or after it. */
  @IsOptional() @Type(() => Date) @IsDate({ message: 'from must be an ISO time' }) from?: Date;
  /** ISO time; messages created before it. */
  @IsOptional() @Type(() => Date) @IsDate({ message: 'to must be an ISO time' }) to?: Date;
}
