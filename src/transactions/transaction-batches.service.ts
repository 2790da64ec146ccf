// Batches of independent transactions and verdicts (SPEC §5), for clients that coalesce
// concurrent calls: each entry is validated and run exactly as its single call would be, all at
// once, so they share the group-commit writers' batches; each gets its own status and body, and
// one entry's failure never touches another.
import { traceContextOf, type TraceContext } from '../observability/trace-context';
import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { ErrorCode, errorBody, type ErrorBody } from '../common/errors/api-error';
import { describeError } from '../common/errors/api-exception.filter';
import { toApiError } from '../common/errors/to-api-error';
import { apiValidationPipe } from '../common/validation/api-validation.pipe';
import { ParseIdPipe } from '../common/validation/parse-uuid.pipe';
import { PrepareBatchEntryDto, VerdictEntryDto } from './transaction-batch.dto';
import { TransactionsService } from './transactions.service';

export type EntryResult<T> = { status: number; transaction: T } | { status: number; error: ErrorBody };

const logger = new Logger('http');
const validation = apiValidationPipe();
const parseId = new ParseIdPipe();

/** Validates `entry` as the body of its single call would be validated. */
const validated = <T>(entry: unknown, metatype: new () => T): Promise<T> =>
  validation.transform(entry, { type: 'body', metatype }) as Promise<T>;

/** Runs one entry; what it throws becomes its own error result. */
async function settle<T>(run: () => Promise<{ status: number; body: T }>): Promise<EntryResult<T>> {
  try {
    const { status, body } = await run();
    return { status, transaction: body };
  } catch (error) {
    const apiError = toApiError(error);
    // Logged as the exception filter logs a single call's: the entry's answer says only 500.
    if (apiError.code === ErrorCode.InternalError) {
      logger.error({ msg: 'unhandled error in a batch entry', err: describeError(error) });
    }
    return { status: apiError.status, error: errorBody(apiError) };
  }
}

@Injectable()
export class TransactionBatchesService {
  constructor(private readonly transactions: TransactionsService) {}

  /** `trace` is the request's; an entry with a trace context of its own keeps its own. */
  prepare(principal: Principal, entries: unknown[], trace: TraceContext | null) {
    return this.all(entries, async (entry) => {
      const { idempotencyKey, traceparent, tracestate, ...dto } = await validated(
        entry,
        PrepareBatchEntryDto,
      );
      return this.transactions.prepare(
        principal,
        dto,
        idempotencyKey,
        entryTrace(traceparent, tracestate, trace),
      );
    });
  }

  decide(principal: Principal, entries: unknown[], trace: TraceContext | null) {
    return this.all(entries, async (entry) => {
      const { id, verdict, traceparent, tracestate } = await validated(entry, VerdictEntryDto);
      return {
        status: 200,
        body: await this.transactions.decide(
          principal,
          parseId.transform(id),
          verdict,
          entryTrace(traceparent, tracestate, trace),
        ),
      };
    });
  }

  private async all<T>(entries: unknown[], run: (entry: unknown) => Promise<{ status: number; body: T }>) {
    return { results: await Promise.all(entries.map((entry) => settle(() => run(entry)))) };
  }
}

/** An entry's own trace context when it has a valid one, else the request's. */
const entryTrace = (
  traceparent: string | undefined,
  tracestate: string | undefined,
  request: TraceContext | null,
) => (traceparent === undefined ? request : traceContextOf({ traceparent, tracestate }));
