import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsResourceName } from '../common/validation/names';
import { OpaqueJson } from '../common/validation/opaque-json';
import { TransactionMessageDto } from '../messages/message.dto';

@OpaqueJson('messages.*.body')
export class PrepareTransactionDto {
  @IsResourceName() producerGroup: string;
  @IsArray()
  @IsObject({ each: true, message: 'messages must be objects' })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TransactionMessageDto)
  messages: TransactionMessageDto[];
  /** Overrides the producer group's checkImmunitySeconds for this transaction. */
  @IsOptional() @IsInt() @Min(0) @Max(86_400) checkImmunitySeconds?: number;
}
