import { expectError } from '../support/http-client';
import { useService } from '../support/service-fixture';
import { countRows } from '../support/test-env';

const MAX_BODY = 4096;

describe('errors: every bad input is a 4xx in the SPEC shape and changes nothing', () => {
  const service = useService({ TXMSG_MAX_BODY_BYTES: String(MAX_BODY) });

  const unchanged = async (request: () => Promise<unknown>) => {
    const before = [
      await countRows(service.env.db, 'topics'),
      await countRows(service.env.db, 'producer_groups'),
    ];
    await request();
    expect([
      await countRows(service.env.db, 'topics'),
      await countRows(service.env.db, 'producer_groups'),
    ]).toEqual(before);
  };

  it('is 400 validation_failed for malformed JSON', async () => {
    await unchanged(async () => {
      const result = await service.http.request('PUT', '/v1/topics/orders', {
        rawBody: '{"description": "x"',
        headers: { 'content-type': 'application/json' },
      });
      expectError(result, 400, 'validation_failed');
    });
  });

  it('is 400 validation_failed for an empty JSON body where one is required', async () => {
    await unchanged(async () => {
      const result = await service.http.request('PUT', '/v1/producer-groups/g1', {
        rawBody: '',
        headers: { 'content-type': 'application/json' },
      });
      expectError(result, 400, 'validation_failed');
    });
  });

  it('is 400 validation_failed naming an unknown field', async () => {
    await unchanged(async () => {
      const error = expectError(
        await service.http.put('/v1/topics/orders', { description: 'x', colour: 'red' }),
        400,
        'validation_failed',
      );
      expect(error.details).toContainEqual({ field: 'colour', message: 'unknown field colour' });
    });
  });

  it('is 400 validation_failed when the body is not a JSON object', async () => {
    await unchanged(async () => {
      expectError(await service.http.put('/v1/topics/orders', [1, 2]), 400, 'validation_failed');
      expectError(await service.http.put('/v1/topics/orders', 'text'), 400, 'validation_failed');
    });
  });

  it.each(['-leading-dash', '_under', 'has space', 'a'.repeat(128), 'semi;colon', 'ü'])(
    'is 400 validation_failed for the bad name %j',
    async (name) => {
      await unchanged(async () => {
        expectError(
          await service.http.put(`/v1/topics/${encodeURIComponent(name)}`, {}),
          400,
          'validation_failed',
        );
        expectError(
          await service.http.put(`/v1/producer-groups/${encodeURIComponent(name)}`, {
            checkbackUrl: 'http://127.0.0.1:1/x',
          }),
          400,
          'validation_failed',
        );
      });
    },
  );

  it('accepts names at the edge of the pattern', async () => {
    const longest = 'A' + 'b_.-9'.repeat(25) + 'z';
    expect(longest).toHaveLength(127);
    expect((await service.http.put(`/v1/topics/${longest}`, {})).status).toBe(201);
    expect((await service.http.put('/v1/topics/0', {})).status).toBe(201);
  });

  it('is 413 payload_too_large above TXMSG_MAX_BODY_BYTES', async () => {
    await unchanged(async () => {
      const result = await service.http.put('/v1/topics/big', { description: 'x'.repeat(MAX_BODY) });
      expectError(result, 413, 'payload_too_large');
    });
  });

  it('is 415 unsupported_media_type for a non-JSON body', async () => {
    await unchanged(async () => {
      const result = await service.http.request('PUT', '/v1/topics/plain', {
        rawBody: 'description=x',
        headers: { 'content-type': 'text/plain' },
      });
      expectError(result, 415, 'unsupported_media_type');
    });
  });

  it('is 404 not_found in the SPEC shape for an unknown route', async () => {
    expectError(await service.http.get('/v1/no-such-thing'), 404, 'not_found');
  });

  it('is 400 for a bad limit or a forged cursor', async () => {
    expectError(await service.http.get('/v1/topics?limit=0'), 400, 'validation_failed');
    expectError(await service.http.get('/v1/topics?limit=501'), 400, 'validation_failed');
    expectError(await service.http.get('/v1/topics?limit=ten'), 400, 'validation_failed');
    expectError(await service.http.get('/v1/topics?cursor=bm90LWEtY3Vyc29y'), 400, 'validation_failed');
    expectError(await service.http.get('/v1/topics?unknown=1'), 400, 'validation_failed');
  });
});
