import { uuidV7 } from '../support/uuid-v7';
import { expectError } from '../support/http-client';
import { countRows } from '../support/test-env';
import { useService } from '../support/service-fixture';

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

describe('producer groups (SPEC §4)', () => {
  const service = useService();

  it('creates a group with the SPEC defaults and a whsec_ secret of 32 random bytes', async () => {
    const created = await service.http.put('/v1/producer-groups/orders-svc', {
      checkbackUrl: 'http://127.0.0.1:8080/txmsg/check',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'orders-svc',
      checkbackUrl: 'http://127.0.0.1:8080/txmsg/check',
      checkbackTimeoutMs: 3000,
      checkImmunitySeconds: 6,
      checkIntervalSeconds: 30,
      maxCheckIntervalSeconds: 600,
      maxChecks: 15,
    });
    expect(created.body.secret).toMatch(SECRET);
    expect(Buffer.from(created.body.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });

  it('replaces the config on a second PUT (200), keeping the secret and not returning it', async () => {
    const created = await service.http.put('/v1/producer-groups/replace-me', {
      checkbackUrl: 'https://example.test/check',
      maxChecks: 3,
    });
    const replaced = await service.http.put('/v1/producer-groups/replace-me', {
      checkbackUrl: 'https://example.test/v2/check',
      checkIntervalSeconds: 5,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).not.toHaveProperty('secret');
    expect(replaced.body).toMatchObject({
      checkbackUrl: 'https://example.test/v2/check',
      checkIntervalSeconds: 5,
      maxChecks: 15,
    });
    const { rows } = await service.env.db.query(
      `SELECT secret FROM producer_groups WHERE name = 'replace-me'`,
    );
    expect(rows[0].secret).toBe(created.body.secret);
  });

  it('rotates the secret: a new one is returned and the old one stays valid for 24 h', async () => {
    const created = await service.http.put('/v1/producer-groups/rotating', {
      checkbackUrl: 'http://127.0.0.1:1/check',
    });
    const rotated = await service.http.post('/v1/producer-groups/rotating/rotate-secret');
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(SECRET);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const overlapHours = (Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()) / 3_600_000;
    expect(overlapHours).toBeGreaterThan(23.9);
    expect(overlapHours).toBeLessThanOrEqual(24);
    const { rows } = await service.env.db.query(
      `SELECT secret, previous_secret FROM producer_groups WHERE name = 'rotating'`,
    );
    expect(rows[0]).toEqual({ secret: rotated.body.secret, previous_secret: created.body.secret });
    const group = await service.http.get('/v1/producer-groups/rotating');
    expect(group.body.previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);
    expect(group.body).not.toHaveProperty('secret');
  });

  it('is 404 to rotate or read an unknown group', async () => {
    expectError(await service.http.post('/v1/producer-groups/ghost/rotate-secret'), 404, 'not_found');
    expectError(await service.http.get('/v1/producer-groups/ghost'), 404, 'not_found');
  });

  it('reports check-back health from the recorded check attempts', async () => {
    await service.http.put('/v1/producer-groups/health-svc', { checkbackUrl: 'http://127.0.0.1:1/check' });
    const txId = uuidV7();
    await service.env.db.query(
      `INSERT INTO transactions (id, producer_group, state) VALUES ($1, 'health-svc', 'PREPARED')`,
      [txId],
    );
    const attempts: [string, number | null, number, string | null][] = [
      ['UNKNOWN', 200, 10, null],
      ['ERROR', 500, 20, 'HTTP 500'],
      ['COMMIT', 200, 30, null],
      ['ERROR', null, 3000, 'timed out after 3000 ms'],
    ];
    for (const [i, [outcome, status, latency, error]] of attempts.entries()) {
      await service.env.db.query(
        `INSERT INTO check_attempts (transaction_id, producer_group, attempt, at, outcome, http_status, latency_ms, error)
         VALUES ($1, 'health-svc', $2, now() - make_interval(secs => $3), $4, $5, $6, $7)`,
        [txId, i + 1, 100 - i, outcome, status, latency, error],
      );
    }
    const group = await service.http.get('/v1/producer-groups/health-svc');
    expect(group.body.checkbackHealth).toEqual({
      checks24h: 4,
      successRate: 0.5,
      latencyMs: { p50: 25, p99: expect.closeTo(2910.9, 1) },
      lastError: { at: expect.any(String), attempt: 4, httpStatus: null, error: 'timed out after 3000 ms' },
    });
  });

  it('reports empty health for a group that was never checked', async () => {
    await service.http.put('/v1/producer-groups/quiet-svc', { checkbackUrl: 'http://127.0.0.1:1/check' });
    const group = await service.http.get('/v1/producer-groups/quiet-svc');
    expect(group.body.checkbackHealth).toEqual({
      checks24h: 0,
      successRate: null,
      latencyMs: { p50: null, p99: null },
      lastError: null,
    });
  });

  it('lists groups in name order', async () => {
    const list = await service.http.get('/v1/producer-groups?limit=500');
    const names = list.body.items.map((g: { name: string }) => g.name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('orders-svc');
    expect(list.body.items.every((g: object) => !('secret' in g))).toBe(true);
  });

  it.each([
    [{}, 'checkbackUrl'],
    [{ checkbackUrl: 'ftp://127.0.0.1/check' }, 'checkbackUrl'],
    [{ checkbackUrl: 'not a url' }, 'checkbackUrl'],
    [{ checkbackUrl: 'http://127.0.0.1/c', checkbackTimeoutMs: 0 }, 'checkbackTimeoutMs'],
    [{ checkbackUrl: 'http://127.0.0.1/c', checkImmunitySeconds: -1 }, 'checkImmunitySeconds'],
    [{ checkbackUrl: 'http://127.0.0.1/c', checkIntervalSeconds: 1.5 }, 'checkIntervalSeconds'],
    [{ checkbackUrl: 'http://127.0.0.1/c', maxChecks: 0 }, 'maxChecks'],
    [{ checkbackUrl: 'http://127.0.0.1/c', maxChecks: '3' }, 'maxChecks'],
    [
      { checkbackUrl: 'http://127.0.0.1/c', checkIntervalSeconds: 60, maxCheckIntervalSeconds: 30 },
      'maxCheckIntervalSeconds',
    ],
    [{ checkbackUrl: 'http://127.0.0.1/c', secret: 'whsec_mine' }, 'secret'],
  ])('rejects %j naming %s, and stores nothing', async (payload, field) => {
    const before = await countRows(service.env.db, 'producer_groups');
    const error = expectError(
      await service.http.put('/v1/producer-groups/invalid-svc', payload),
      400,
      'validation_failed',
    );
    expect(error.details.map((detail) => detail.field)).toContain(field);
    expect(await countRows(service.env.db, 'producer_groups')).toBe(before);
  });
});
