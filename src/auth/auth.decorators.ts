import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyRole } from './api-key.entity';
import type { Principal } from './principal';

export const PUBLIC_KEY = 'txmsg:public';
export const ROLES_KEY = 'txmsg:roles';

/** No token needed (health, metrics, docs, dashboard assets). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Roles besides admin that may call this route; without it a route is admin-only. This is the
 * one place a route's roles are declared (SPEC §3, §10), and AuthGuard the one that enforces them:
 * - producer: publish, prepare/commit/rollback, read its producer groups and transactions;
 * - consumer: receive/ack/nack/visibility, claims, read its consumer groups;
 * - operator: every read (topics, groups, messages, transactions, dead letters, /v1/admin) and
 *   the repairs (admin verdicts and rechecks, redrive, replay) — never API keys, topic or group
 *   management, publishing or receiving.
 */
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
