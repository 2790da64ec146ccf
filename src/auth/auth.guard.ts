import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../common/errors/api-error';
import type { ApiKeyRole } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';

/**
 * Global guard: 401 without a valid bearer token, 403 when the token's role may not call the
 * route. Per-resource grants (topics, groups) are checked where the resource is known.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw ApiError.unauthorized('missing bearer token (Authorization: Bearer <token>)');
    const principal = await this.apiKeys.authenticate(token);
    if (!principal) throw ApiError.unauthorized('invalid or revoked token');
    const roles = this.reflector.getAllAndOverride<ApiKeyRole[]>(ROLES_KEY, targets) ?? [];
    if (!principal.isAdmin && !roles.includes(principal.role)) {
      throw ApiError.forbidden(`role '${principal.role}' may not call this endpoint`);
    }
    request.principal = principal;
    return true;
  }
}

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match ? match[1] : null;
}
