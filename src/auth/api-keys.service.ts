// API keys: creation (token shown once, stored hashed), listing, revocation, and token lookup.
import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { ApiError } from '../common/errors/api-error';
import { newId } from '../common/ids';
import { isUuidKey, pageAfterKey, type Page, type PageQuery } from '../common/pagination';
import type { ApiKey } from './api-key.entity';
import type { CreateApiKeyDto } from './api-key.dto';
import { toApiKeyView, type ApiKeyView } from './api-key.view';
import { ApiKeysRepository } from './api-keys.repository';
import { Principal } from './principal';
import { generateToken, hashToken } from './token-hash';

/** Lookups are cached briefly; a key revoked on another instance stops working within this time. */
const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;
export const BOOTSTRAP_ADMIN_NAME = 'admin';

@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { principal: Principal | null; expires: number }>();
  private readonly bootstrapHash?: Buffer;

  constructor(
    private readonly keys: ApiKeysRepository,
    config: AppConfig,
  ) {
    if (config.adminToken) this.bootstrapHash = Buffer.from(hashToken(config.adminToken), 'hex');
  }

  async create(dto: CreateApiKeyDto): Promise<ApiKeyView & { token: string }> {
    assertGrantsFitRole(dto);
    const token = generateToken();
    const key: ApiKey = {
      id: newId(),
      name: dto.name,
      role: dto.role,
      tokenHash: hashToken(token),
      topics: dto.topics ?? [],
      producerGroups: dto.producerGroups ?? [],
      consumerGroups: dto.consumerGroups ?? [],
      createdAt: new Date(),
      revokedAt: null,
    };
    await this.keys.insert(key);
    return { ...toApiKeyView(key), token };
  }

  async list(query: PageQuery): Promise<Page<ApiKeyView>> {
    return pageAfterKey(
      query,
      (limit, after) => this.keys.listActive(limit, after),
      (row) => row.id,
      toApiKeyView,
      isUuidKey,
    );
  }

  async revoke(id: string): Promise<void> {
    const tokenHash = await this.keys.revoke(id);
    if (!tokenHash) throw ApiError.notFound(`API key ${id}`);
    this.cache.delete(tokenHash);
  }

  /** Resolves a bearer token to its principal, or null when it is unknown or revoked. */
  async authenticate(token: string): Promise<Principal | null> {
    const tokenHash = hashToken(token);
    if (this.bootstrapHash && timingSafeEqual(this.bootstrapHash, Buffer.from(tokenHash, 'hex'))) {
      return new Principal('bootstrap', BOOTSTRAP_ADMIN_NAME, 'admin');
    }
    const cached = this.cache.get(tokenHash);
    if (cached && cached.expires > Date.now()) return cached.principal;
    const key = await this.keys.findActiveByHash(tokenHash);
    const principal = key
      ? new Principal(key.id, key.name, key.role, key.topics, key.producerGroups, key.consumerGroups)
      : null;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(tokenHash, { principal, expires: Date.now() + CACHE_TTL_MS });
    return principal;
  }
}

/** Grants only mean something for one role; a mismatch is almost certainly a mistake. */
function assertGrantsFitRole(dto: CreateApiKeyDto): void {
  const allowed: Record<string, (keyof CreateApiKeyDto)[]> = {
    admin: [],
    producer: ['topics', 'producerGroups'],
    consumer: ['consumerGroups'],
    operator: [],
  };
  const misplaced = (['topics', 'producerGroups', 'consumerGroups'] as const).filter(
    (field) => (dto[field]?.length ?? 0) > 0 && !allowed[dto.role].includes(field),
  );
  if (misplaced.length > 0) {
    throw ApiError.validation(
      `a ${dto.role} key cannot have ${misplaced.join(', ')} grants`,
      misplaced.map((field) => ({ field, message: `not allowed for role ${dto.role}` })),
    );
  }
}
