import { BUCKETS, countsPerMinute, incrementsPerMinute, seriesStart } from './activity-series';
import type { ActivitySampleRow } from './overview.repository';

const now = new Date('2026-11-21T10:42:31.500Z');
const from = seriesStart(now);
const minute = (offset: number) => new Date(from.getTime() + offset * 60_000);
const sample = (offset: number | null, commitSeq: number, ackedTotal = 0): ActivitySampleRow => ({
  minute: offset === null ? null : minute(offset),
  commitSeq: String(commitSeq),
  ackedTotal: String(ackedTotal),
});

describe(seriesStart.name, () => {
  it('starts 59 whole minutes before the current minute', () => {
    expect(from.toISOString()).toBe('2026-11-21T09:43:00.000Z');
  });
});

describe(countsPerMinute.name, () => {
  it('puts each minute row in its bucket and ignores rows outside the hour', () => {
    const counts = countsPerMinute(from, [
      { minute: minute(0), n: 2 },
      { minute: minute(59), n: 5 },
      { minute: minute(-1), n: 100 },
    ]);
    expect(counts).toHaveLength(BUCKETS);
    expect([counts[0], counts[59], counts.reduce((a, b) => a + b)]).toEqual([2, 5, 7]);
  });
});

describe(incrementsPerMinute.name, () => {
  it('counts the growth of the counter from the sample before each minute, the live value last', () => {
    const counts = incrementsPerMinute(
      from,
      [sample(-3, 100), sample(0, 110), sample(1, 115), sample(58, 200), sample(59, 205), sample(null, 207)],
      'commitSeq',
    );
    expect(counts[0]).toBe(10);
    expect(counts[1]).toBe(5);
    expect(counts.slice(2, 58).every((n) => n === 0)).toBe(true);
    expect(counts[58]).toBe(85); // a gap without samples is counted where sampling resumes
    expect(counts[59]).toBe(7); // the live value, against the last sample before this minute
  });

  it('counts nothing before the first sample ever taken, and never a negative step', () => {
    const counts = incrementsPerMinute(
      from,
      [sample(10, 50, 9), sample(11, 60, 4), sample(null, 61, 6)],
      'ackedTotal',
    );
    expect(counts[10]).toBe(0);
    expect(counts[11]).toBe(0); // 9 → 4: a group with acks was deleted
    expect(counts[59]).toBe(2);
  });

  it('reads the live value alone when nothing was sampled yet', () => {
    expect(incrementsPerMinute(from, [sample(null, 42)], 'commitSeq').reduce((a, b) => a + b)).toBe(0);
  });
});
