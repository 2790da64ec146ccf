import { Transform } from 'class-transformer';
import { IsDate } from 'class-validator';

/**
 * An ISO 8601 date-time with a time zone (`2026-11-21T10:42:00Z`, `…+01:00`, or a date alone),
 * in years 1970–9999 so Postgres can store and compare it. Numbers, booleans and the many
 * strings `Date` would also accept are refused.
 */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59);

export function parseIsoTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !ISO_TIME.test(value)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) || time < EARLIEST || time > LATEST ? null : new Date(time);
}

/** Validates and converts an ISO time field (body or query) to a Date. */
export const IsIsoTime = (): PropertyDecorator => (target, property) => {
  Transform(({ value }: { value: unknown }) => parseIsoTime(value) ?? value, { toClassOnly: true })(
    target,
    property,
  );
  IsDate({ message: `${String(property)} must be an ISO 8601 time with a zone, in years 1970–9999` })(
    target,
    property,
  );
};
