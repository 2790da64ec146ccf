// `uuid` is ESM-only, which jest cannot load, so the built module runs in a Node process of its own.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const IDS = join(__dirname, '../../dist/src/common/ids.js');
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Made {
  ids: string[];
  before: number;
  after: number;
}

/** `count` ids made back to back in a fresh process, and the clock around them. */
function makeIds(count: number): Made {
  const script = `
    const { newId } = require(${JSON.stringify(IDS)});
    const before = Date.now();
    const ids = Array.from({ length: ${count} }, () => newId());
    process.stdout.write(JSON.stringify({ ids, before, after: Date.now() }));`;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 64 << 20 }),
  ) as Made;
}

const millisOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('newId', () => {
  let ids: string[], before: number, after: number;
  beforeAll(() => ({ ids, before, after } = makeIds(100_000)));

  it('makes UUIDv7s stamped with the time they were made', () => {
    expect(ids.filter((id) => !UUID_V7.test(id))).toEqual([]);
    expect(millisOf(ids[0])).toBeGreaterThanOrEqual(before);
    expect(millisOf(ids[ids.length - 1])).toBeLessThanOrEqual(after);
  });

  it('makes each id greater than the one before, also within one millisecond', () => {
    const sameMillisecond = ids.filter((id, i) => i > 0 && millisOf(id) === millisOf(ids[i - 1])).length;
    expect(sameMillisecond).toBeGreaterThan(1000); // the case that needs the sequence did happen
    expect(ids.filter((id, i) => i > 0 && id <= ids[i - 1])).toEqual([]);
  });

  it('draws fresh random bits for every id, across pool refills', () => {
    // The last 40 bits are random alone: a repeat or two among 100,000 is chance, many are reuse.
    const randomTails = new Set(ids.map((id) => id.slice(-10)));
    expect(randomTails.size).toBeGreaterThan(ids.length - 10);
  });

  it('starts each process at a random point of the sequence', () => {
    const other = makeIds(1).ids[0];
    const sequenceOf = (id: string) => id.slice(15, 18) + id.slice(20, 23); // 24 of its 31 bits
    expect(sequenceOf(other)).not.toBe(sequenceOf(ids[0]));
  });
});
