import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsIsoTime } from '../common/validation/iso-time';
import { PageQuery } from '../common/pagination';
import { IsResourceName } from '../common/validation/names';

export class MessageListQuery extends PageQuery {
  @IsOptional() @IsResourceName() topic?: string;
  @IsOptional() @IsString() @MaxLength(128) key?: string;
  @IsOptional() @IsString() @MaxLength(64) tag?: string;
  /** ISO time; messages created at or after it. */
  @IsOptional() @IsIsoTime() from?: Date;
  /** ISO time; messages created before it. */
  @IsOptional() @IsIsoTime() to?: Date;
}
