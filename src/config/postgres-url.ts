// DATABASE_URL in libpq's form, several hosts included (SPEC §2):
// `postgres://user:pass@h1:5432,h2:5433/db?target_session_attrs=read-write&connect_timeout=3`.
// Node's URL parser (and pg's) take one host only, so the host list is split off here and each
// host gets a one-host URL of its own, with every other part and parameter unchanged.

export type TargetSessionAttrs = 'any' | 'read-write' | 'primary';

const TARGET_SESSION_ATTRS: readonly TargetSessionAttrs[] = ['any', 'read-write', 'primary'];

export interface PostgresHost {
  host: string;
  port: number;
}

export interface PostgresUrl {
  hosts: PostgresHost[];
  /** Which server a new connection may use (libpq's `target_session_attrs`; default `any`). */
  targetSessionAttrs: TargetSessionAttrs;
  /** libpq's `connect_timeout`, in ms, when given. */
  connectTimeoutMs?: number;
  /** A one-host URL for `host`, for pg, without the parameters pg does not know. */
  urlFor(host: PostgresHost): string;
}

export class PostgresUrlError extends Error {}

const SHAPE = /^(postgres(?:ql)?):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/;

/** Parses a Postgres URL with one host or several; throws PostgresUrlError saying what is wrong. */
export function parsePostgresUrl(text: string): PostgresUrl {
  const parts = SHAPE.exec(text.trim());
  if (!parts)
    throw new PostgresUrlError(
      'expected postgres://[user[:password]@]host[:port][,host[:port]…][/database][?parameters]',
    );
  const [, scheme, userinfo, hostList, path, query] = parts;
  const hosts = hostList.split(',').map(parseHost);
  const params = new URLSearchParams(query ?? '');
  const attrs = params.get('target_session_attrs') ?? 'any';
  if (!TARGET_SESSION_ATTRS.includes(attrs as TargetSessionAttrs)) {
    throw new PostgresUrlError(
      `target_session_attrs must be one of ${TARGET_SESSION_ATTRS.join(', ')}, not '${attrs}'`,
    );
  }
  const timeout = params.get('connect_timeout');
  if (timeout !== null && !/^\d+$/.test(timeout)) {
    throw new PostgresUrlError(`connect_timeout must be whole seconds, not '${timeout}'`);
  }
  params.delete('target_session_attrs');
  params.delete('connect_timeout');
  const rest = params.toString();
  const urlFor = ({ host, port }: PostgresHost) => {
    const url = `${scheme}://${userinfo !== undefined ? `${userinfo}@` : ''}${host.includes(':') ? `[${host}]` : host}:${port}${path ?? ''}${rest ? `?${rest}` : ''}`;
    new URL(url); // what pg will parse must parse
    return url;
  };
  try {
    hosts.forEach(urlFor);
  } catch {
    throw new PostgresUrlError(
      'the user, password or database part is not valid in a URL (percent-encode special characters)',
    );
  }
  return {
    hosts,
    targetSessionAttrs: attrs as TargetSessionAttrs,
    ...(timeout !== null && Number(timeout) > 0 && { connectTimeoutMs: Number(timeout) * 1000 }),
    urlFor,
  };
}

function parseHost(text: string): PostgresHost {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d*))?$/.exec(text);
  if (!match) throw new PostgresUrlError(`'${text}' is not a host or host:port`);
  const host = match[1].replace(/^\[|\]$/g, '');
  const port = match[2] ? Number(match[2]) : 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new PostgresUrlError(`port ${match[2]} of '${text}' is out of range`);
  }
  return { host, port };
}
