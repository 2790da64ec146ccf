import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, type Observable } from 'rxjs';
import { ErrorCode } from '../common/errors/api-error';
import { toApiError } from '../common/errors/to-api-error';
import { AuditRepository } from './audit.repository';
import { AUDITED_KEY, type AuditSpec } from './audit-spec';

/**
 * Writes the audit row of every route marked @Audited once it has answered: what was done, by
 * whom, to what, how many, and how it ended. Requests refused as invalid changed nothing and are
 * not recorded; refusals on the merits (not found, conflict) are.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('audit');

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDITED_KEY, context.getHandler());
    if (!spec) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return next.handle().pipe(
      mergeMap((result) => from(this.write(spec, request, result, null).then(() => result))),
      catchError((error: unknown) =>
        from(
          this.write(spec, request, undefined, error).then(() => {
            throw error;
          }),
        ),
      ),
    );
  }

  private async write(spec: AuditSpec, request: FastifyRequest, result: unknown, error: unknown) {
    const failure = error === null ? null : toApiError(error);
    if (failure?.code === ErrorCode.ValidationFailed) return;
    const call = {
      params: request.params as Record<string, string>,
      body: request.body as Record<string, unknown> | undefined,
      result,
    };
    try {
      await this.audit.insert({
        actor: request.principal?.operatorLabel ?? 'unknown',
        action: spec.action,
        target: spec.target(call),
        count: failure ? 0 : (spec.count?.(result) ?? 1),
        result: failure ? failure.code : (spec.result?.(result) ?? 'ok'),
        detail: failure ? { message: failure.message } : null,
      });
    } catch (auditError) {
      // The write itself has happened; losing its audit row must not turn its answer into an error.
      this.logger.error({
        msg: 'could not write the audit row',
        action: spec.action,
        error: String(auditError),
      });
    }
  }
}
