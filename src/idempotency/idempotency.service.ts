// Idempotency-Key (SPEC §3): a repeat with the same key and body returns the first result (200);
// the same key with another body is 422. Records live in Postgres, written in the same
// transaction as what they protect, and are kept at least 24 h.
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ApiError, ErrorCode } from '../common/errors/api-error';
import { failed, succeeded, type Outcome } from '../common/group-commit';
import { HotPath } from '../infra/database/hot-path';
import { queryRows } from '../infra/database/sql';

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface IdempotentResult<T> {
  status: number;
  body: T;
}

/** A request that may carry an Idempotency-Key; `scope` separates callers and routes. */
export interface KeyedRequest {
  /** The Idempotency-Key's scope: the caller and the route (and the topic, for sends). */
  scope: string;
  /** The Idempotency-Key, if the request carries one. */
  key?: string;
  /** The request body, which a repeated key must match. */
  request: unknown;
}

/** Refuses a malformed Idempotency-Key before any work is done. */
export function assertIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw ApiError.validation('Idempotency-Key must be 1..255 visible ASCII characters', [
      { field: 'Idempotency-Key', message: 'must be 1..255 visible ASCII characters' },
    ]);
  }
}

const reused = () =>
  new ApiError(
    ErrorCode.IdempotencyKeyReused,
    'Idempotency-Key was already used with a different request body',
  );

@Injectable()
export class IdempotencyService {
  /** Runs on the hot path's connections: its callers are the prepare and send writers. */
  constructor(private readonly hotPath: HotPath) {}

  /**
   * Runs `create` for the requests of one batch in one database transaction, except those whose
   * key was used before: they get the stored result (200), or 422 for another body.
   * Keys are claimed first (in key order, so two batches never wait on each other in a circle);
   * a concurrent repeat in another transaction waits on the claim and then sees the result. Two
   * requests with the same key in one batch are a first and its repeat. A batch without keys has
   * nothing to claim or record: `create` gets the hot path's data source, and its statement
   * commits on its own.
   */
  run<T>(
    requests: KeyedRequest[],
    create: (db: DataSource | EntityManager, indexes: number[]) => Promise<Outcome<T>[]>,
  ): Promise<Outcome<IdempotentResult<T>>[]> {
    if (requests.every((r) => r.key === undefined))
      return this.runIn(this.hotPath.dataSource, requests, create);
    return this.hotPath.dataSource.transaction((manager) => this.runIn(manager, requests, create));
  }

  private async runIn<T>(
    db: DataSource | EntityManager,
    requests: KeyedRequest[],
    create: (db: DataSource | EntityManager, indexes: number[]) => Promise<Outcome<T>[]>,
  ): Promise<Outcome<IdempotentResult<T>>[]> {
    const hashes = requests.map((r) =>
      r.key === undefined ? '' : createHash('sha256').update(JSON.stringify(r.request)).digest('hex'),
    );
    const keyOf = (i: number) => `${requests[i].scope}\n${requests[i].key}`;
    const keyed = requests.flatMap((r, i) => (r.key === undefined ? [] : [i]));
    const claimed = await this.claim(db, keyed, requests, hashes);

    const firstOfKey = new Map<string, number>();
    const toCreate: number[] = [];
    requests.forEach((r, i) => {
      if (r.key === undefined) toCreate.push(i);
      else if (claimed.has(keyOf(i)) && !firstOfKey.has(keyOf(i))) {
        firstOfKey.set(keyOf(i), i);
        toCreate.push(i);
      }
    });
    const created = toCreate.length > 0 ? await create(db, toCreate) : [];
    const outcomes: Outcome<IdempotentResult<T>>[] = new Array(requests.length);
    toCreate.forEach((index, j) => {
      const outcome = created[j];
      outcomes[index] = outcome.ok ? succeeded({ status: 201, body: outcome.value }) : outcome;
    });
    const keyedCreated = toCreate.filter((i) => requests[i].key !== undefined);
    await this.save(
      db,
      keyedCreated.filter((i) => outcomes[i].ok),
      requests,
      outcomes,
    );
    // A request that failed did nothing; its key is free for a retry.
    await this.release(
      db,
      keyedCreated.filter((i) => !outcomes[i].ok),
      requests,
    );

    const stored = await this.stored(
      db,
      keyed.filter((i) => !claimed.has(keyOf(i))),
      requests,
    );
    for (const i of keyed) {
      if (outcomes[i]) continue;
      const first = firstOfKey.get(keyOf(i));
      if (first !== undefined) {
        // A repeat within the batch: it gets what its first got, a failure included.
        const original = outcomes[first];
        outcomes[i] = !original.ok
          ? original
          : hashes[first] === hashes[i]
            ? succeeded({ status: 200, body: original.value.body })
            : failed(reused());
        continue;
      }
      const previous = stored.get(keyOf(i));
      outcomes[i] = !previous
        ? failed(new Error(`Idempotency-Key ${requests[i].key} was claimed but has no record`))
        : previous.requestHash === hashes[i]
          ? succeeded({ status: 200, body: previous.response as T })
          : failed(reused());
    }
    return outcomes;
  }

  private async claim(
    db: DataSource | EntityManager,
    keyed: number[],
    requests: KeyedRequest[],
    hashes: string[],
  ): Promise<Set<string>> {
    if (keyed.length === 0) return new Set();
    const rows = await queryRows<{ scope: string; key: string }>(
      db,
      `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response)
       SELECT scope, key, request_hash, 0, 'null'
         FROM unnest($1::text[], $2::text[], $3::text[]) AS r(scope, key, request_hash)
        ORDER BY scope, key
       ON CONFLICT (scope, key) DO NOTHING RETURNING scope, key`,
      [keyed.map((i) => requests[i].scope), keyed.map((i) => requests[i].key), keyed.map((i) => hashes[i])],
    );
    return new Set(rows.map((row) => `${row.scope}\n${row.key}`));
  }

  private async save<T>(
    db: DataSource | EntityManager,
    indexes: number[],
    requests: KeyedRequest[],
    outcomes: Outcome<IdempotentResult<T>>[],
  ): Promise<void> {
    if (indexes.length === 0) return;
    await queryRows(
      db,
      `UPDATE idempotency_keys k SET status_code = 201, response = r.response
         FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS r(scope, key, response)
        WHERE k.scope = r.scope AND k.key = r.key`,
      [
        indexes.map((i) => requests[i].scope),
        indexes.map((i) => requests[i].key),
        indexes.map((i) => {
          const outcome = outcomes[i];
          return JSON.stringify(outcome.ok ? outcome.value.body : null);
        }),
      ],
    );
  }

  private async release(
    db: DataSource | EntityManager,
    indexes: number[],
    requests: KeyedRequest[],
  ): Promise<void> {
    if (indexes.length === 0) return;
    await queryRows(
      db,
      `DELETE FROM idempotency_keys k USING unnest($1::text[], $2::text[]) AS r(scope, key)
        WHERE k.scope = r.scope AND k.key = r.key`,
      [indexes.map((i) => requests[i].scope), indexes.map((i) => requests[i].key)],
    );
  }

  private async stored(
    db: DataSource | EntityManager,
    indexes: number[],
    requests: KeyedRequest[],
  ): Promise<Map<string, { requestHash: string; response: unknown }>> {
    if (indexes.length === 0) return new Map();
    const rows = await queryRows<{ scope: string; key: string; requestHash: string; response: unknown }>(
      db,
      `SELECT k.scope, k.key, k.request_hash, k.response
         FROM idempotency_keys k JOIN unnest($1::text[], $2::text[]) AS r(scope, key)
              ON k.scope = r.scope AND k.key = r.key`,
      [indexes.map((i) => requests[i].scope), indexes.map((i) => requests[i].key)],
    );
    return new Map(rows.map((row) => [`${row.scope}\n${row.key}`, row]));
  }
}
