import { ConfigError, loadConfig } from './app-config';

describe(loadConfig.name, () => {
  it('applies the SPEC defaults to an empty environment', () => {
    const sut = loadConfig({});
    expect(sut).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      redisUrl: undefined,
      maxBodyBytes: 1024 * 1024,
      retentionMinutes: 72 * 60,
      logLevel: 'info',
      redisPrefix: 'txmsg',
    });
    expect(sut.dataDir).toMatch(/\.txmsg$/);
    expect([...sut.roles]).toEqual(['api', 'checkback', 'dispatch', 'push', 'maintenance']);
  });

  it('reads every variable', () => {
    const sut = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u:p@db:5432/txmsg',
      REDIS_URL: 'redis://cache:6379/2',
      TXMSG_DATA_DIR: '/var/lib/txmsg',
      TXMSG_ADMIN_TOKEN: 'a-long-enough-admin-token',
      TXMSG_ROLES: 'api, push',
      TXMSG_MAX_BODY_BYTES: '2048',
      TXMSG_RETENTION_HOURS: '24',
      LOG_LEVEL: 'debug',
    });
    expect(sut).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgres://u:p@db:5432/txmsg',
      redisUrl: 'redis://cache:6379/2',
      dataDir: '/var/lib/txmsg',
      adminToken: 'a-long-enough-admin-token',
      maxBodyBytes: 2048,
      retentionMinutes: 24 * 60,
      logLevel: 'debug',
    });
    expect(sut.hasRole('push')).toBe(true);
    expect(sut.hasRole('checkback')).toBe(false);
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'localhost:6379'],
    ['TXMSG_ADMIN_TOKEN', 'short'],
    ['TXMSG_ROLES', 'api,cooking'],
    ['TXMSG_ROLES', ' , '],
    ['TXMSG_MAX_BODY_BYTES', '-1'],
    ['TXMSG_RETENTION_HOURS', '0'],
    ['TXMSG_RETENTION_MINUTES', '0'],
    ['LOG_LEVEL', 'chatty'],
  ])('rejects %s=%j with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it.each([
    ['DATABASE_URL', 'postgres://u@h1:5432,h2:5432/db?target_session_attrs=sometimes'],
    ['DATABASE_URL', 'postgres://u@h1:5432,:5433/db'],
    ['REDIS_URL', 'redis//cache:6379'],
    ['REDIS_SENTINELS', 's1:26379,s2'],
    ['REDIS_SENTINEL_NAME', undefined],
  ])('refuses a malformed %s in one line naming it', (name, value) => {
    const env = { REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'txmsg', [name]: value };
    if (name !== 'REDIS_SENTINELS' && name !== 'REDIS_SENTINEL_NAME') {
      delete (env as Record<string, unknown>).REDIS_SENTINELS;
    }
    let message = '';
    try {
      loadConfig(env as Record<string, string>);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`${name}`));
    expect(message).not.toContain('\n');
  });

  it('reads a multi-host DATABASE_URL and a Sentinel address', () => {
    const sut = loadConfig({
      DATABASE_URL: 'postgres://u@h1:5432,h2:5432/db?target_session_attrs=read-write',
      REDIS_SENTINELS: 's1:26379,s2:26379',
      REDIS_SENTINEL_NAME: 'txmsg',
      REDIS_SENTINEL_PASSWORD: 'sp',
      REDIS_PASSWORD: 'rp',
    });
    expect(sut.redisSentinel).toEqual({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'txmsg',
      sentinelPassword: 'sp',
      password: 'rp',
    });
    expect(sut.redisUrl).toBeUndefined();
  });

  it('reports every invalid variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(
      /PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/,
    );
  });

  it('takes TXMSG_RETENTION_MINUTES over TXMSG_RETENTION_HOURS', () => {
    expect(loadConfig({ TXMSG_RETENTION_HOURS: '2', TXMSG_RETENTION_MINUTES: '5' }).retentionMinutes).toBe(5);
    expect(loadConfig({ TXMSG_RETENTION_HOURS: '2' }).retentionMinutes).toBe(120);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ databaseUrl: undefined, port: 3000 });
  });
});
