import {
  applyDecorators,
  Injectable,
  Put,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';

/** What a create-or-replace returns: the resource as answered, and whether it is new. */
export interface Upserted<T> {
  resource: T;
  created: boolean;
}

/** Answers an `Upserted` with its resource: 201 when it was created, 200 when replaced. */
@Injectable()
class UpsertStatusInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<Upserted<unknown>>): Observable<unknown> {
    return next.handle().pipe(
      map(({ resource, created }) => {
        context
          .switchToHttp()
          .getResponse<FastifyReply>()
          .status(created ? 201 : 200);
        return resource;
      }),
    );
  }
}

/** PUT of a named resource whose handler returns an `Upserted`. */
export const Upsert = (path: string) => applyDecorators(Put(path), UseInterceptors(UpsertStatusInterceptor));
