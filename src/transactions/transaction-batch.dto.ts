// Batch envelopes (SPEC §5): a malformed envelope is 400 for the whole request; each entry is
// validated on its own, exactly as the single-call endpoint validates its body, so a bad entry
// fails alone.
import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { OpaqueJson } from '../common/validation/opaque-json';
import { PrepareTransactionDto } from './transaction.dto';
import { VERDICTS, type Verdict } from './transaction-state';

export const MAX_BATCH_ENTRIES = 256;

/** One transaction of a batch: the body of `POST /v1/transactions`, with its Idempotency-Key. */
/**
 * An entry's own W3C trace context (a coalescing client mixes callers from different traces in one
 * request); an entry without one takes the request's `traceparent` header.
 */
class EntryTraceDto {
  @IsOptional() @IsString() @MaxLength(128) traceparent?: string;
  @IsOptional() @IsString() @MaxLength(512) tracestate?: string;
}

export class PrepareBatchEntryDto extends PrepareTransactionDto {
  /** The entry's Idempotency-Key (SPEC §3 rules, per entry). */
  @IsOptional() @IsString() idempotencyKey?: string;
  @IsOptional() @IsString() @MaxLength(128) traceparent?: string;
  @IsOptional() @IsString() @MaxLength(512) tracestate?: string;
}

// Entries are validated one by one (`TransactionBatchesService`), never as part of the envelope.
@OpaqueJson('transactions.*')
export class PrepareBatchDto {
  @ApiProperty({ type: [PrepareBatchEntryDto], minItems: 1, maxItems: MAX_BATCH_ENTRIES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_ENTRIES)
  @IsObject({ each: true, message: 'transactions must be objects' })
  transactions: unknown[];
}

export class VerdictEntryDto extends EntryTraceDto {
  @IsString() id: string;
  @IsIn(VERDICTS) verdict: Verdict;
}

@OpaqueJson('verdicts.*')
export class VerdictBatchDto {
  @ApiProperty({ type: [VerdictEntryDto], minItems: 1, maxItems: MAX_BATCH_ENTRIES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_ENTRIES)
  @IsObject({ each: true, message: 'verdicts must be objects' })
  verdicts: unknown[];
}
