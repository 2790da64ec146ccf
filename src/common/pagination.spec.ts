import { ApiError } from './errors/api-error';
import { decodeCursor, decodeTimeIdCursor, encodeCursor, toPage } from './pagination';

describe(toPage.name, () => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

  it('returns limit items and a cursor to the last one when more rows were fetched', () => {
    const sut = toPage(
      rows,
      2,
      (r) => [r.id],
      (r) => r.id,
    );
    expect(sut.items).toEqual(['a', 'b']);
    expect(decodeCursor(sut.nextCursor as string, 1, () => true)).toEqual(['b']);
  });

  it('returns a null cursor on the last page', () => {
    expect(
      toPage(
        rows,
        3,
        (r) => [r.id],
        (r) => r.id,
      ),
    ).toEqual({ items: ['a', 'b', 'c'], nextCursor: null });
  });
});

describe(decodeCursor.name, () => {
  it('round-trips a composite key', () => {
    expect(decodeCursor(encodeCursor(['2026-11-21T00:00:00.000Z', 'id-1']), 2, () => true)).toEqual([
      '2026-11-21T00:00:00.000Z',
      'id-1',
    ]);
  });

  it('returns undefined when no cursor is given', () => {
    expect(decodeCursor(undefined, 1, () => true)).toBeUndefined();
  });

  it.each(['not base64 json', Buffer.from('{"a":1}').toString('base64url'), encodeCursor(['x', 'y'])])(
    'rejects %j as validation_failed',
    (cursor) => {
      expect(() => decodeCursor(cursor, 1, () => true)).toThrow(ApiError);
      try {
        decodeCursor(cursor, 1, () => true);
      } catch (error) {
        expect((error as ApiError).status).toBe(400);
      }
    },
  );

  it('rejects a well-formed cursor whose key the caller refuses', () => {
    const cursor = encodeCursor(['not-a-uuid']);
    expect(decodeCursor(cursor, 1, () => true)).toEqual(['not-a-uuid']);
    expect(() => decodeCursor(cursor, 1, ([key]) => key === 'a-uuid')).toThrow(ApiError);
  });
});

describe(decodeTimeIdCursor.name, () => {
  const id = '01a1fdba-7470-7244-b0c0-c709e6cdd615';

  it('reads a timestamp as Postgres prints it and a UUID', () => {
    const at = '2026-11-21 10:42:07.123456+00';
    expect(decodeTimeIdCursor(encodeCursor([at, id]))).toEqual({ at, id });
  });

  it.each([
    ['a date JavaScript reads but Postgres may not', 'Sat Nov 21 2026'],
    ['a time in year 275760', '+275760-09-13 00:00:00+00'],
    ['a number', 1],
    ['an ISO time with T', '2026-11-21T10:42:07Z'],
  ])('refuses %s', (_what, at) => {
    expect(() => decodeTimeIdCursor(encodeCursor([at, id]))).toThrow(ApiError);
  });

  it('refuses an id that is not a UUID', () => {
    expect(() => decodeTimeIdCursor(encodeCursor(['2026-11-21 10:42:07+00', 'x']))).toThrow(ApiError);
  });
});
