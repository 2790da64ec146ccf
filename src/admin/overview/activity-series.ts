// The overview's per-minute series (SPEC §10): 60 buckets ending with the current minute.
import type { ActivitySampleRow, MinuteCountRow } from './overview.repository';

export const BUCKET_SECONDS = 60;
export const BUCKETS = 60;
const MINUTE_MS = BUCKET_SECONDS * 1000;

/** The start of the first bucket: the minute 59 minutes before the current one. */
export function seriesStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS - (BUCKETS - 1) * MINUTE_MS);
}

/** Counts per bucket from rows that each count one minute. */
export function countsPerMinute(from: Date, rows: MinuteCountRow[]): number[] {
  const counts = new Array<number>(BUCKETS).fill(0);
  for (const row of rows) {
    const bucket = Math.floor((row.minute.getTime() - from.getTime()) / MINUTE_MS);
    if (bucket >= 0 && bucket < BUCKETS) counts[bucket] += row.n;
  }
  return counts;
}

/**
 * Increments per bucket of a counter sampled as "its value at the end of a minute" (the last
 * sample taken in it; the live value for the current minute). A bucket with no sample of its own
 * counts nothing and the next sampled one takes the whole difference; a counter that went down
 * (a group was deleted) counts 0.
 */
export function incrementsPerMinute(
  from: Date,
  samples: ActivitySampleRow[],
  field: 'commitSeq' | 'ackedTotal',
): number[] {
  const counts = new Array<number>(BUCKETS).fill(0);
  const live = samples.find((sample) => sample.minute === null);
  const stored = samples
    .filter((sample): sample is ActivitySampleRow & { minute: Date } => sample.minute !== null)
    .sort((a, b) => a.minute.getTime() - b.minute.getTime());
  let previous = stored.length > 0 ? Number(stored[0][field]) : live ? Number(live[field]) : 0;
  for (const sample of stored) {
    const bucket = Math.floor((sample.minute.getTime() - from.getTime()) / MINUTE_MS);
    const value = Number(sample[field]);
    if (bucket >= 0 && bucket < BUCKETS - 1) counts[bucket] += Math.max(0, value - previous);
    if (bucket < BUCKETS - 1) previous = value;
  }
  if (live) counts[BUCKETS - 1] += Math.max(0, Number(live[field]) - previous);
  return counts;
}
