import { parsePostgresUrl, PostgresUrlError } from './postgres-url';

describe(parsePostgresUrl.name, () => {
  it('reads one host as pg would, with libpq defaults', () => {
    const sut = parsePostgresUrl('postgres://u:p@db.example:6543/txmsg?sslmode=disable');
    expect(sut.hosts).toEqual([{ host: 'db.example', port: 6543 }]);
    expect(sut.targetSessionAttrs).toBe('any');
    expect(sut.urlFor(sut.hosts[0])).toBe('postgres://u:p@db.example:6543/txmsg?sslmode=disable');
  });

  it('reads the multi-host form with target_session_attrs and connect_timeout', () => {
    const sut = parsePostgresUrl(
      'postgresql://u@h1:5432,h2,[::1]:5434/db?target_session_attrs=read-write&connect_timeout=3&application_name=x',
    );
    expect(sut.hosts).toEqual([
      { host: 'h1', port: 5432 },
      { host: 'h2', port: 5432 },
      { host: '::1', port: 5434 },
    ]);
    expect(sut.targetSessionAttrs).toBe('read-write');
    expect(sut.connectTimeoutMs).toBe(3000);
    // each host's URL keeps everything pg reads and drops what only libpq knows
    expect(sut.urlFor(sut.hosts[2])).toBe('postgresql://u@[::1]:5434/db?application_name=x');
  });

  it.each([
    ['mysql://u@h/db', /expected postgres:\/\//],
    ['postgres://u@h1:5432,,h2/db', /'' is not a host/],
    ['postgres://u@h1:99999/db', /out of range/],
    ['postgres://u@h1/db?target_session_attrs=standby-ish', /target_session_attrs must be one of/],
    ['postgres://u@h1/db?connect_timeout=soon', /connect_timeout must be whole seconds/],
    ['postgres://u@h1:54x2/db', /is not a host or host:port/],
  ])('refuses %s, saying why', (url, reason) => {
    expect(() => parsePostgresUrl(url)).toThrow(PostgresUrlError);
    expect(() => parsePostgresUrl(url)).toThrow(reason);
  });
});
