import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyRole } from './api-key.entity';
import type { Principal } from './principal';

export const PUBLIC_KEY = 'txmsg:public';
export const ROLES_KEY = 'txmsg:roles';

/** No token needed (health, metrics, docs, dashboard assets). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Roles besides admin that may call this route; without it a route is admin-only. */
export const AllowRoles = (...roles: Exclude<ApiKeyRole, 'admin'>[]) => SetMetadata(ROLES_KEY, roles);

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The authenticated caller, set by AuthGuard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without AuthGuard');
  return principal;
});
