// What class-transformer hides from class-validator: keys it silently drops (names of Object's own
// methods such as `toString` or `constructor`) and explicit nulls for fields that are simply
// optional. Both are refused like any other invalid field.
import type { ErrorDetail } from '../errors/api-error';

const isDtoInstance = (value: unknown) =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  Object.getPrototypeOf(value) !== Object.prototype;

/** Keys of the request that did not arrive in the DTO instance (only DTO objects are compared). */
export function droppedKeys(raw: unknown, instance: unknown, field = ''): ErrorDetail[] {
  if (Array.isArray(raw) && Array.isArray(instance)) {
    return raw.flatMap((item, i) => droppedKeys(item, instance[i], field ? `${field}.${i}` : String(i)));
  }
  if (raw === null || typeof raw !== 'object' || !isDtoInstance(instance)) return [];
  return Object.keys(raw).flatMap((key) => {
    const path = field ? `${field}.${key}` : key;
    if (!Object.hasOwn(instance as object, key)) return [{ field: path, message: `unknown field ${key}` }];
    return droppedKeys(
      (raw as Record<string, unknown>)[key],
      (instance as Record<string, unknown>)[key],
      path,
    );
  });
}

/** Fields sent as null: an optional field is left out for its default, never nulled. */
export function nullFields(raw: unknown, field = ''): ErrorDetail[] {
  if (raw === null)
    return [{ field: field || 'body', message: 'must not be null (leave it out for the default)' }];
  if (raw === null || typeof raw !== 'object') return [];
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((item, i) => [String(i), item])
    : Object.entries(raw);
  return entries.flatMap(([key, value]) => nullFields(value, field ? `${field}.${key}` : key));
}
