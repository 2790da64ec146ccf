import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsResourceName } from '../common/validation/names';
import { OpaqueJson } from '../common/validation/opaque-json';
import { IsMessageList, TransactionMessageDto } from '../messages/message.dto';

@OpaqueJson('messages.*.body')
export class PrepareTransactionDto {
  @IsResourceName() producerGroup: string;
  @IsMessageList(() => TransactionMessageDto, 100) messages: TransactionMessageDto[];
  /** Overrides the producer group's checkImmunitySeconds for this transaction. */
  @IsOptional() @IsInt() @Min(0) @Max(86_400) checkImmunitySeconds?: number;
}
