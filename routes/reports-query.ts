/**
 * The availability report's query (docs/availability.md "API"), shared by the JSON/CSV route and
 * the page: `from`, `to` (ISO 8601 instants, or `YYYY-MM-DD` = local days in SCHEDULE_TIMEZONE, `to`
 * inclusive), `group` (id or `none`), `client` (uuid), `bucket` (`day` | `hour`),
 * `scheduled` (`all` | `on`), `format` (`json` | `csv`). Pure.
 */
import { fromWall } from '../lib/schedule/zone.ts';
import { parseWireTime } from '../lib/time.ts';
import type { BucketUnit } from '../services/availability/types.ts';
import type { Issue } from './validate.ts';
import { isUuid } from './client-json.ts';

const DAY = 86_400_000;
export const MAX_DAYS = 92; // a quarter: 5,000 screens × 92 days still answers within seconds
export const MAX_HOUR_BUCKETS = 31 * 24; // hour buckets for up to a month
export const DEFAULT_DAYS = 7;

export interface AvailabilityQuery {
  from: number;
  to: number;
  unit: BucketUnit;
  scheduledOnly: boolean;
  /** undefined: every group; null: screens without a group. */
  group: number | null | undefined;
  client: string | undefined;
  format: 'json' | 'csv';
}

/** A date-only value is a local day in `tz`: its midnight (`end`: the midnight after it). */
function parseTime(raw: string, tz: string, end: boolean): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (m) {
    const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (!Number.isFinite(day) || new Date(day).toISOString().slice(0, 10) !== raw.trim()) return null;
    return fromWall(end ? day + DAY : day, tz);
  }
  // An unencoded `+01:00` offset arrives as a space: put the plus back before parsing.
  return parseWireTime(raw.replace(/ (\d{2}:?\d{2})$/, '+$1'));
}

export function parseAvailabilityQuery(get: (k: string) => string | undefined, now: number, tz: string): { query: AvailabilityQuery } | { issues: Issue[] } {
  const issues: Issue[] = [];
  const bad = (path: string, message: string) => void issues.push({ path, message });
  const rawTo = get('to')?.trim() || undefined;
  const rawFrom = get('from')?.trim() || undefined;
  const to = rawTo === undefined ? now : parseTime(rawTo, tz, true);
  if (to === null) bad('to', 'must be an ISO 8601 time or a date YYYY-MM-DD');
  const from = rawFrom === undefined ? (to ?? now) - DEFAULT_DAYS * DAY : parseTime(rawFrom, tz, false);
  if (from === null) bad('from', 'must be an ISO 8601 time or a date YYYY-MM-DD');
  if (from !== null && to !== null && !(from < to)) bad('from', 'must be before to');
  else if (from !== null && to !== null && to - from > MAX_DAYS * DAY) bad('to', `at most ${MAX_DAYS} days after from`);
  const unit = get('bucket') || 'day';
  if (unit !== 'day' && unit !== 'hour') bad('bucket', 'must be day or hour');
  else if (unit === 'hour' && from !== null && to !== null && to - from > MAX_HOUR_BUCKETS * 3_600_000) bad('bucket', `hour buckets for at most ${MAX_HOUR_BUCKETS / 24} days`);
  const scheduled = get('scheduled') || 'all';
  if (scheduled !== 'all' && scheduled !== 'on') bad('scheduled', 'must be all or on');
  const format = get('format') || 'json';
  if (format !== 'json' && format !== 'csv') bad('format', 'must be json or csv');
  const rawGroup = get('group') || undefined;
  const group = rawGroup === undefined ? undefined : rawGroup === 'none' ? null : /^\d{1,9}$/.test(rawGroup) ? Number(rawGroup) : NaN;
  if (Number.isNaN(group)) bad('group', 'must be a group id or none');
  const client = get('client')?.trim().toLowerCase() || undefined;
  if (client !== undefined && !isUuid(client)) bad('client', 'must be a client uuid');
  if (issues.length) return { issues };
  return { query: { from: from!, to: to!, unit: unit as BucketUnit, scheduledOnly: scheduled === 'on', group, client, format: format as 'json' | 'csv' } };
}
