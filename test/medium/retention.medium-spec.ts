// Retention of idempotency keys against a cloned, migrated database (messages and everything
// hanging off them go by storage window: storage-windows.medium-spec).
import { DELETE_IDEMPOTENCY_KEYS_SQL } from '../../src/maintenance/retention.sql';
import { useTestDatabase } from '../support/test-database';

describe('retention of idempotency keys (medium: SQL on a real database)', () => {
  const db = useTestDatabase();

  it('keeps idempotency keys at least 24 hours even with a shorter retention', async () => {
    await db.sql(`INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response, created_at)
               VALUES ('s', 'day-old', 'h', 201, '{}', now() - interval '23 hours'), ('s', 'two-days', 'h', 201, '{}', now() - interval '49 hours')`);
    await db.sql(DELETE_IDEMPOTENCY_KEYS_SQL, [60, 1000]);
    expect((await db.sql(`SELECT key FROM idempotency_keys ORDER BY key`)).map((r: any) => r.key)).toEqual([
      'day-old',
    ]);
  });
});
