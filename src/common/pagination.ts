// Cursor pagination (SPEC §3): `{items, nextCursor}`, `?limit=` up to 500, opaque cursors.
import { ApiError } from './errors/api-error';
import type { PageQuery } from './page-query.dto';
import { UUID_PATTERN } from './validation/uuid';

export { PageQuery } from './page-query.dto';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;

/** Encodes the sort key of the last row returned. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The sort key a cursor carries; a cursor that is not `arity` strings or numbers, or that
 * `isValid` refuses (e.g. a key that must be a UUID), is a 400 rather than a database error.
 */
export function decodeCursor(
  cursor: string | undefined,
  arity: number,
  isValid: (key: (string | number)[]) => boolean,
): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((v) => ['string', 'number'].includes(typeof v)) &&
      isValid(key as (string | number)[])
    ) {
      return key as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw ApiError.validation('cursor is not valid', [
    { field: 'cursor', message: 'not a cursor from this API' },
  ]);
}

/** A keyset position in a list ordered by (a timestamp, a UUID), e.g. (created_at, id). */
export interface TimeIdKey {
  /** The timestamp as Postgres printed it (`::text`), so no precision is lost on the way. */
  at: string;
  id: string;
}

/** A timestamptz as Postgres prints it as text (`2026-11-21 10:42:07.123456+00`). */
const PG_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

/** The (timestamp, id) key a cursor carries; anything else is a 400. */
export function decodeTimeIdCursor(cursor: string | undefined): TimeIdKey | undefined {
  const key = decodeCursor(
    cursor,
    2,
    ([at, id]) => typeof at === 'string' && PG_TIMESTAMPTZ.test(at) && UUID_PATTERN.test(String(id)),
  );
  return key ? { at: String(key[0]), id: String(key[1]) } : undefined;
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => (string | number)[],
  map: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items: items.map(map), nextCursor: more ? encodeCursor(keyOf(items[items.length - 1])) : null };
}

/** A list cursor's key that must be a UUID (ids are UUIDv7). */
export const isUuidKey = (key: string) => UUID_PATTERN.test(key);

/**
 * A page of a list ordered by one string key (a name or an id): fetches `limit + 1` rows after
 * the cursor's key, which `isValidKey` must accept (a forged one is a 400), and maps them.
 */
export async function pageAfterKey<R, T>(
  query: PageQuery,
  fetch: (limit: number, after: string | undefined) => Promise<R[]>,
  keyOf: (row: R) => string,
  map: (row: R) => T,
  isValidKey: (key: string) => boolean,
): Promise<Page<T>> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const [after] = decodeCursor(query.cursor, 1, ([key]) => typeof key === 'string' && isValidKey(key)) ?? [];
  const rows = await fetch(limit + 1, after === undefined ? undefined : String(after));
  return toPage(rows, limit, (row) => [keyOf(row)], map);
}
