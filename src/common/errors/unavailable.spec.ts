import { isUnavailable, retryWhileUnavailable } from './unavailable';

describe(isUnavailable.name, () => {
  it.each([
    [
      'the database is starting up',
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    ],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['a pool acquire time-out', new Error('timeout exceeded when trying to connect')],
    [
      'a transaction whose connection died',
      Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), {
        name: 'QueryRunnerAlreadyReleasedError',
      }),
    ],
    ['an error wrapped by TypeORM', { message: 'QueryFailedError', driverError: { code: '57P01' } }],
    ['an error with a cause', new Error('failed', { cause: { code: 'ECONNRESET' } })],
    [
      'an ioredis error after its retries',
      Object.assign(new Error('Reached the max retries per request limit (which is 2).'), {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
  ])('is true for %s', (_what, error) => {
    expect(isUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['nothing', undefined],
  ])('is false for %s', (_what, error) => {
    expect(isUnavailable(error)).toBe(false);
  });
});

describe(retryWhileUnavailable.name, () => {
  it('retries an outage until the call succeeds', async () => {
    let calls = 0;
    const result = await retryWhileUnavailable(async () => {
      if (++calls < 3) throw new Error('Connection terminated unexpectedly');
      return 'recorded';
    }, Date.now() + 5000);
    expect({ result, calls }).toEqual({ result: 'recorded', calls: 3 });
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      retryWhileUnavailable(async () => {
        calls++;
        throw new TypeError('bug');
      }, Date.now() + 5000),
    ).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });

  it('gives up at the deadline', async () => {
    let calls = 0;
    await expect(
      retryWhileUnavailable(async () => {
        calls++;
        throw new Error('Connection terminated unexpectedly');
      }, Date.now() + 250),
    ).rejects.toThrow('Connection terminated');
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(3);
  });
});
