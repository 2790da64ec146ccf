// Where Redis is: REDIS_URL (one server), or REDIS_SENTINELS with REDIS_SENTINEL_NAME (the master
// that Sentinel names, followed through failovers). Parsed once at start, so a bad value stops the
// service with a line naming the variable instead of a stack trace later.

export interface RedisSentinelConfig {
  sentinels: { host: string; port: number }[];
  /** The master set's name, as the sentinels know it. */
  name: string;
  sentinelPassword?: string;
  /** Of the master and its replicas. */
  password?: string;
}

/** Checks a redis:// or rediss:// URL; throws saying what is wrong. */
export function parseRedisUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('expected redis://[user:password@]host[:port][/db]');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`expected a redis:// or rediss:// URL, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new Error('the URL names no host');
  if (url.pathname.length > 1 && !/^\/\d{1,2}$/.test(url.pathname)) {
    throw new Error(`the path must be a database number, not '${url.pathname}'`);
  }
  return url;
}

/** Parses `host:port,host:port`; throws saying which entry is wrong. */
export function parseSentinels(text: string): { host: string; port: number }[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('expected host:port[,host:port…]');
  return entries.map((entry) => {
    const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]\s/]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) throw new Error(`'${entry}' is not host:port`);
    return { host: match[1].replace(/^\[|\]$/g, ''), port };
  });
}
