import { ApiError } from './errors/api-error';
import { decodeCursor, encodeCursor, toPage } from './pagination';

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
    expect(decodeCursor(sut.nextCursor as string, 1)).toEqual(['b']);
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
    expect(decodeCursor(encodeCursor(['2026-11-21T00:00:00.000Z', 'id-1']), 2)).toEqual([
      '2026-11-21T00:00:00.000Z',
      'id-1',
    ]);
  });

  it('returns undefined when no cursor is given', () => {
    expect(decodeCursor(undefined, 1)).toBeUndefined();
  });

  it.each(['not base64 json', Buffer.from('{"a":1}').toString('base64url'), encodeCursor(['x', 'y'])])(
    'rejects %j as validation_failed',
    (cursor) => {
      expect(() => decodeCursor(cursor, 1)).toThrow(ApiError);
      try {
        decodeCursor(cursor, 1);
      } catch (error) {
        expect((error as ApiError).status).toBe(400);
      }
    },
  );

  it('rejects a well-formed cursor whose key the caller refuses', () => {
    const cursor = encodeCursor(['not-a-uuid']);
    expect(decodeCursor(cursor, 1)).toEqual(['not-a-uuid']);
    expect(() => decodeCursor(cursor, 1, ([key]) => key === 'a-uuid')).toThrow(ApiError);
  });
});
