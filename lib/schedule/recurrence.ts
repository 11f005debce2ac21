/**
 * Recurrence (docs/scheduler.md "The contract in short", "Recurrence"): validating an RFC 5545 RRULE and expanding it in
 * the event's time zone, so "every Monday 08:00 Europe/Vienna" stays 08:00 local across DST while
 * every instant we hand out is UTC.
 *
 * rrule runs on floating wall times only (zone.ts): DTSTART becomes the local wall time written as
 * UTC, rrule steps through days without any DST, and each result is mapped back to a real instant.
 * rrule's own `tzid` is not used: it converts through the machine's local zone (docs/scheduler.md).
 */
import * as rrulePkg from 'rrule';
import { fromWall, toWall } from './zone.ts';
import { problem, type IssueCode, type IssueParams, type Problem } from './issues.ts';

// rrule is CommonJS: a named ESM import of it fails at run time, so take the default export.
const { RRule } = ((rrulePkg as any).default ?? rrulePkg) as typeof rrulePkg;
type RRuleT = InstanceType<typeof RRule>;

const DAY = 86_400_000;
const MAX_OCCURRENCES = 5000; // per expansion: a bound against absurd rules, far above a week of DAILY
const KEYS = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'BYYEARDAY', 'BYWEEKNO', 'WKST']);
const FREQS = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const DAY_RE = /^[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)$/;
const UNTIL_RE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/;

/** A refused rule: its code and parameters (pages translate them) and the English `message` (the API's). */
export type RuleCheck = { ok: true; rule: string } | ({ ok: false; message: string } & Problem);
const refuse = (code: IssueCode, params?: IssueParams): RuleCheck => ({ ok: false, ...problem(code, params) });

/**
 * Validates and normalises a rule body (`FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260703T000000Z`; an
 * `RRULE:` prefix is dropped). Sub-daily frequencies and BYHOUR/BYMINUTE/BYSECOND are refused: an
 * occurrence starts at the wall time of the event's start (docs/scheduler.md).
 */
export function checkRule(input: string): RuleCheck {
  const body = input.trim().replace(/^RRULE:/i, '').toUpperCase();
  if (!body) return refuse('rule_empty');
  const parts = new Map<string, string>();
  for (const part of body.split(';').filter(Boolean)) {
    const [k, v, extra] = part.split('=');
    if (!k || v === undefined || extra !== undefined || v === '') return refuse('rule_malformed', { part });
    if (!KEYS.has(k)) return refuse('rule_unsupported', { key: k, allowed: [...KEYS].join(', ') });
    if (parts.has(k)) return refuse('rule_twice', { key: k });
    parts.set(k, v);
  }
  const freq = parts.get('FREQ');
  if (!freq || !FREQS.has(freq)) return refuse('rule_freq');
  if (parts.has('COUNT') && parts.has('UNTIL')) return refuse('rule_count_until');
  for (const k of ['INTERVAL', 'COUNT'])
    if (parts.has(k) && !/^[1-9]\d{0,3}$/.test(parts.get(k)!)) return refuse('rule_integer', { key: k });
  if (parts.has('UNTIL') && untilWall(parts.get('UNTIL')!, 'UTC') === null) return refuse('rule_until');
  if (parts.has('BYDAY') && !parts.get('BYDAY')!.split(',').every((d) => DAY_RE.test(d))) return refuse('rule_byday');
  for (const k of ['BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'BYYEARDAY', 'BYWEEKNO'])
    if (parts.has(k) && !parts.get(k)!.split(',').every((n) => /^[+-]?\d{1,3}$/.test(n))) return refuse('rule_numbers', { key: k });
  // FREQ first (RFC 5545 recommends it; some parsers require it).
  const rule = [...parts].sort(([a], [b]) => (a === 'FREQ' ? -1 : b === 'FREQ' ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join(';');
  try {
    RRule.parseString(rule);
  } catch (err) {
    return refuse('rule_unreadable', { detail: (err as Error).message });
  }
  return { ok: true, rule };
}

/**
 * UNTIL as a wall time in `tz`: `…Z` is a UTC instant (RFC 5545 with a zoned DTSTART); a bare
 * date includes that whole local day; a floating date-time is local already.
 */
function untilWall(value: string, tz: string): number | null {
  const m = UNTIL_RE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  if (m[4] === undefined) return Date.UTC(y, mo - 1, d, 23, 59, 59);
  const t = Date.UTC(y, mo - 1, d, Number(m[4]), Number(m[5]), Number(m[6]));
  return m[7] === 'Z' ? toWall(t, tz) : t;
}

/** What expansion needs of an event (times are UTC epoch ms). */
export interface RecurrenceSpec {
  start: number;
  end: number;
  timezone: string;
  rule: string | null;
}

export interface Span {
  start: number;
  end: number;
}

function buildRule(spec: RecurrenceSpec): RRuleT {
  const parts = spec.rule!.split(';');
  const options = RRule.parseString(parts.filter((p) => !p.startsWith('UNTIL=')).join(';'));
  const until = parts.find((p) => p.startsWith('UNTIL='))?.slice('UNTIL='.length);
  return new RRule({
    ...options,
    dtstart: new Date(toWall(spec.start, spec.timezone)),
    until: until ? new Date(untilWall(until, spec.timezone)!) : null,
    tzid: null,
  });
}

/** Occurrences overlapping [from, to), in start order (a one-off event is its own occurrence). */
export function expand(spec: RecurrenceSpec, from: number, to: number): Span[] {
  const duration = spec.end - spec.start;
  if (!spec.rule) return spec.start < to && spec.end > from ? [{ start: spec.start, end: spec.end }] : [];
  const tz = spec.timezone;
  // Search in wall time with a day of margin each side (offsets are < 1 day), then filter exactly.
  const after = new Date(toWall(from - duration, tz) - DAY);
  const before = new Date(toWall(to, tz) + DAY);
  const out: Span[] = [];
  for (const wall of buildRule(spec).between(after, before, true, (_d, i) => i < MAX_OCCURRENCES)) {
    const start = fromWall(wall.getTime(), tz);
    if (start < to && start + duration > from) out.push({ start, end: start + duration });
  }
  return out;
}

/** The next `n` occurrences starting at or after `from` (the event form's preview). */
export function nextOccurrences(spec: RecurrenceSpec, from: number, n: number): Span[] {
  const duration = spec.end - spec.start;
  if (!spec.rule) return spec.start >= from && n > 0 ? [{ start: spec.start, end: spec.end }] : [];
  const tz = spec.timezone;
  const out: Span[] = [];
  const rule = buildRule(spec);
  rule.between(new Date(toWall(from, tz) - DAY), new Date(8.64e15), true, (wall) => {
    const start = fromWall(wall.getTime(), tz);
    if (start >= from) out.push({ start, end: start + duration });
    return out.length < n;
  });
  return out;
}
