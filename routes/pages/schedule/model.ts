/**
 * The event form of the dashboard as pure functions: the recurrence builder
 * (none / daily / weekly on chosen days / monthly, ending never, on a date or after a count)
 * ↔ an RFC 5545 RRULE, and the whole form ↔ the camelCase event body of docs/http.md "Request bodies".
 * Form values are local dates and times in the event's zone; the body carries UTC instants.
 * Errors are message keys per form field, so a bad form re-renders naming the field (400).
 */
import { toCompact } from '../../../lib/schedule/rfc5545.ts';
import { localDate, localToUtc, parseDate, weekdayOf } from './zone.ts';

export const FREQS = ['none', 'daily', 'weekly', 'monthly'] as const;
export type Freq = (typeof FREQS)[number];
export const ENDS = ['never', 'until', 'count'] as const;
export type EndMode = (typeof ENDS)[number];
/** RFC 5545 weekday codes, Monday first (index = `LocalParts.weekday`). */
export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export const MAX_COUNT = 1000;
export const MAX_INTERVAL = 99;

export interface RecurrenceForm {
  /** `custom`: a rule the builder cannot express (set through the API); kept as it is in `custom`. */
  freq: Freq | 'custom';
  interval: string;
  /** Weekday indexes 0 = Monday … 6 = Sunday (weekly only). */
  byDay: number[];
  end: EndMode;
  /** `YYYY-MM-DD`, inclusive, local to the event's zone. */
  until: string;
  count: string;
  custom: string;
}

export type FieldErrors = Record<string, string>;

function parseCompactUtc(s: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(s);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) : null;
}

function wholeNumber(s: string, min: number, max: number): number | null {
  if (!/^\d{1,6}$/.test(s.trim())) return null;
  const n = Number(s.trim());
  return n >= min && n <= max ? n : null;
}

/**
 * Builder → RRULE (without the `RRULE:` prefix), or null for "does not repeat".
 * "Until" is inclusive: UNTIL is the last second of that local day in the event's zone, in UTC
 * (RFC 5545 §3.3.10: UNTIL is UTC when DTSTART has a zone), so an occurrence on that date still happens.
 * Monthly repeats on the start's day of the month (a 31st skips shorter months, RFC 5545).
 */
export function recurrenceToRrule(r: RecurrenceForm, tz: string): { rule: string | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (r.freq === 'none') return { rule: null, errors };
  if (r.freq === 'custom') {
    const rule = r.custom.trim().replace(/^RRULE:/i, '');
    if (!/^FREQ=[A-Z]+(;[A-Z]+=[A-Z0-9,+\-]+)*$/i.test(rule) || rule.length > 500) errors.custom = 'schedule.err.rrule';
    return { rule, errors };
  }
  const parts = [`FREQ=${r.freq.toUpperCase()}`];
  const interval = wholeNumber(r.interval || '1', 1, MAX_INTERVAL);
  if (interval === null) errors.interval = 'schedule.err.interval';
  else if (interval > 1) parts.push(`INTERVAL=${interval}`);
  if (r.freq === 'weekly') {
    const days = [...new Set(r.byDay)].filter((d) => d >= 0 && d <= 6).sort();
    if (!days.length) errors.byDay = 'schedule.err.byDay';
    else parts.push(`BYDAY=${days.map((d) => WEEKDAY_CODES[d]).join(',')}`);
  }
  if (r.end === 'until') {
    const d = parseDate(r.until);
    if (!d) errors.until = 'schedule.err.date';
    else parts.push(`UNTIL=${toCompact(localToUtc(d.year, d.month, d.day + 1, 0, 0, tz) - 1000)}`);
  } else if (r.end === 'count') {
    const n = wholeNumber(r.count, 1, MAX_COUNT);
    if (n === null) errors.count = 'schedule.err.count';
    else parts.push(`COUNT=${n}`);
  }
  return { rule: Object.keys(errors).length ? null : parts.join(';'), errors };
}

/** RRULE → builder; anything beyond FREQ/INTERVAL/BYDAY/UNTIL/COUNT becomes `custom` (kept verbatim). */
export function rruleToRecurrence(rule: string | null | undefined, tz: string): RecurrenceForm {
  const form: RecurrenceForm = { freq: 'none', interval: '1', byDay: [], end: 'never', until: '', count: '', custom: '' };
  if (!rule) return form;
  const text = rule.trim().replace(/^RRULE:/i, '');
  const custom = { ...form, freq: 'custom' as const, custom: text };
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    const [k, v] = part.split('=');
    if (!k || v === undefined || fields.has(k.toUpperCase())) return custom;
    fields.set(k.toUpperCase(), v.toUpperCase());
  }
  const freq = (fields.get('FREQ') ?? '').toLowerCase();
  if (!(['daily', 'weekly', 'monthly'] as string[]).includes(freq)) return custom;
  form.freq = freq as Freq;
  for (const [k, v] of fields) {
    if (k === 'FREQ') continue;
    else if (k === 'INTERVAL' && wholeNumber(v, 1, MAX_INTERVAL) !== null) form.interval = String(Number(v));
    else if (k === 'BYDAY' && freq === 'weekly' && v.split(',').every((c) => (WEEKDAY_CODES as readonly string[]).includes(c))) {
      form.byDay = v.split(',').map((c) => (WEEKDAY_CODES as readonly string[]).indexOf(c)).sort();
    } else if (k === 'UNTIL' && parseCompactUtc(v) !== null && !fields.has('COUNT')) {
      form.end = 'until';
      form.until = localDate(parseCompactUtc(v)!, tz);
    } else if (k === 'COUNT' && wholeNumber(v, 1, MAX_COUNT) !== null && !fields.has('UNTIL')) {
      form.end = 'count';
      form.count = String(Number(v));
    } else if (k === 'WKST' && v === 'MO') continue;
    else return custom;
  }
  return form;
}

/** The builder's defaults for a new event: weekly on the start's weekday once "weekly" is picked. */
export function defaultRecurrence(date: string): RecurrenceForm {
  const weekday = parseDate(date) ? weekdayOf(date) : 0;
  return { freq: 'none', interval: '1', byDay: [weekday], end: 'never', until: '', count: '', custom: '' };
}
