import { parseRedisUrl, parseSentinels } from './redis-address';

describe('redis addresses', () => {
  it('reads sentinels as host:port pairs', () => {
    expect(parseSentinels('10.0.0.1:26379, s2:26380,[::1]:26381')).toEqual([
      { host: '10.0.0.1', port: 26379 },
      { host: 's2', port: 26380 },
      { host: '::1', port: 26381 },
    ]);
  });

  it.each([[''], ['s1'], ['s1:0'], ['s1:26379,s2'], ['redis://s1:26379']])('refuses sentinels %j', (text) => {
    expect(() => parseSentinels(text)).toThrow(/host:port/);
  });

  it('takes redis:// and rediss:// URLs with a database number', () => {
    expect(parseRedisUrl('rediss://:secret@cache:6380/2').hostname).toBe('cache');
  });

  it.each([
    ['localhost:6379', /expected a redis:\/\//],
    ['http://cache:6379', /not http:/],
    ['redis://cache:6379/cache', /database number/],
  ])('refuses %s, saying why', (url, reason) => {
    expect(() => parseRedisUrl(url)).toThrow(reason);
  });
});
