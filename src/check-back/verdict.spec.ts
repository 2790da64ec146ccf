import { readVerdict } from './verdict';

describe(readVerdict.name, () => {
  it.each(['COMMIT', 'ROLLBACK', 'UNKNOWN'])('reads {"status":"%s"} from a 2xx', (status) => {
    expect(readVerdict(200, JSON.stringify({ status }))).toEqual({ outcome: status });
    expect(readVerdict(202, JSON.stringify({ status }))).toEqual({ outcome: status });
  });

  it.each([
    [500, '{"status":"COMMIT"}', 'HTTP 500'],
    [404, '', 'HTTP 404'],
    [302, '{"status":"COMMIT"}', 'HTTP 302'],
    [200, 'COMMIT', 'not JSON'],
    [200, '', 'not JSON'],
    [200, '{"status":"commit"}', 'not {"status"'],
    [200, '{"status":"COMMIT","extra":1}', 'not {"status"'],
    [200, '{"verdict":"COMMIT"}', 'not {"status"'],
    [200, '["COMMIT"]', 'not {"status"'],
    [200, 'null', 'not {"status"'],
  ])('treats HTTP %i with body %j as ERROR (%s)', (status, body, error) => {
    const result = readVerdict(status, body);
    expect(result.outcome).toBe('ERROR');
    expect(result.error).toContain(error);
  });
});
