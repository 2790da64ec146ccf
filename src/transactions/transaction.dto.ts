import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsResourceName } from '../common/validation/names';
import { TransactionMessageDto } from '../messages/message.dto';

export class PrepareTransactionDto {
  @IsResourceName() producerGroup: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TransactionMessageDto)
  messages: TransactionMessageDto[];
  /** Overrides the producer group's checkImmunitySeconds for this transaction. */
  @IsOptional() @IsInt() @Min(0) @Max(86_400) checkImmunitySeconds?: number;
}
