/**
 * Report buckets in a group's time zone (docs/availability.md "Buckets"): local days or local
 * hours, so a day is 23 or 25 hours on the nights the clocks change. Pure; zone arithmetic is the
 * scheduler's (lib/schedule/zone.ts).
 */
import { toWall } from '../../lib/schedule/zone.ts';
import type { BucketUnit, Interval, Span } from './types.ts';

const QUARTER_HOUR = 900_000; // every real zone offset changes on a quarter-hour boundary
const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The buckets covering [from, to) in `tz`: a new one starts wherever the local date (or hour)
 * changes (by hour, also where the clock is set back: autumn's repeated hour is a bucket of its own). The first
 * starts at `from`, the last ends at `to`. Walks quarter hours: 2,880 steps for 30 days.
 */
export function bucketsIn(from: number, to: number, unit: BucketUnit, tz: string): Interval[] {
  const size = unit === 'day' ? DAY : HOUR;
  const starts = [from];
  let t = Math.floor(from / QUARTER_HOUR) * QUARTER_HOUR + QUARTER_HOUR;
  let prevWall = toWall(t - QUARTER_HOUR, tz);
  for (; t < to; t += QUARTER_HOUR) {
    const wall = toWall(t, tz);
    // A set-back clock repeats an hour (a bucket of its own), but not a date.
    if (Math.floor(wall / size) !== Math.floor(prevWall / size) || (unit === 'hour' && wall < prevWall)) starts.push(t);
    prevWall = wall;
  }
  return starts.map((start, i) => ({ start, end: i + 1 < starts.length ? starts[i + 1] : to }));
}

export interface BucketSums {
  onlineMs: number;
  offlineMs: number;
  unknownMs: number;
}

/** Online, offline and unknown time of `spans` (sorted, not overlapping) per bucket. */
export function sumPerBucket(spans: readonly Span[], buckets: readonly Interval[]): BucketSums[] {
  const out = buckets.map(() => ({ onlineMs: 0, offlineMs: 0, unknownMs: 0 }));
  let b = 0;
  for (const s of spans) {
    while (b < buckets.length && buckets[b].end <= s.start) b++;
    for (let k = b; k < buckets.length && buckets[k].start < s.end; k++) {
      const ms = Math.min(s.end, buckets[k].end) - Math.max(s.start, buckets[k].start);
      if (ms <= 0) continue;
      const sum = out[k];
      if (s.state === 'online') sum.onlineMs += ms;
      else if (s.state === 'offline') sum.offlineMs += ms;
      else sum.unknownMs += ms;
    }
  }
  return out;
}
