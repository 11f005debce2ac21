/**
 * What the schedule templates need besides data: localized date labels, the field names of
 * form errors, the mapping of the scheduler's own validation issues back onto form fields, and
 * the event form's preview (the next 10 occurrences in the event's local time).
 */
import type { MessageKey, T } from '../../../views/i18n/index.ts';
import { holidayDates } from '../../../lib/schedule/holidays.ts';
import { nextOccurrences } from '../../../lib/schedule/recurrence.ts';
import { localDate } from '../../../lib/schedule/zone.ts';
import type { Holiday, ScheduleEvent } from '../../../lib/schedule/types.ts';
import type { EventForm, Timing } from './form.ts';
import type { FieldErrors } from './model.ts';
import { parseDate } from './zone.ts';

export const PREVIEW_COUNT = 10;

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** For the few attributes the templates compose as strings (raw output of composed HTML only). */
export const escapeHtml = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);

/** Each form field's label key, to name bad fields in a message (400 names the field). */
export const FIELD_LABELS: Record<string, MessageKey> = {
  title: 'event.title', groupId: 'schedule.group', eventType: 'event.type', date: 'event.date', startTime: 'event.start', endTime: 'event.end',
  timezone: 'event.timezone', url: 'event.url', text: 'event.text', files: 'event.files', slideInterval: 'event.slideInterval',
  volume: 'event.volume', freq: 'rec.legend', interval: 'rec.interval', byDay: 'rec.byDay', until: 'rec.end.until', count: 'rec.end.count',
  custom: 'rec.custom', videoMediaId: 'event.videoItem', presentationMediaIds: 'event.documents', academicPeriodId: 'event.period',
};

export const fieldList = (t: T, errors: FieldErrors) => Object.keys(errors).map((k) => t(FIELD_LABELS[k] ?? ('event.title' as MessageKey))).join(', ');

/** A path of the scheduler's zod / completeDraft issues → the form field that holds it. */
export function issueField(path: string, form: EventForm): string {
  const head = path.split('.')[0];
  if (path.endsWith('eventMediaId')) return 'videoMediaId';
  if (path.includes('eventMediaIds')) return 'presentationMediaIds';
  if (head === 'website' || head === 'video') return path.endsWith('volume') ? 'volume' : 'url';
  if (head === 'presentation') return path.includes('slideInterval') ? 'slideInterval' : 'files';
  if (head === 'message') return 'text';
  if (head === 'start') return 'startTime';
  if (head === 'end') return 'endTime';
  if (head === 'recurrenceRule') return form.recurrence.freq === 'custom' ? 'custom' : 'freq';
  return head in FIELD_LABELS ? head : 'title';
}

/** Dates as the user's language writes them (`Mo., 23.03.` / `Mon 23/03`), for calendar dates. */
export function dateLabels(lang: string) {
  const loc = lang === 'de' ? 'de-AT' : 'en-GB';
  const short = new Intl.DateTimeFormat(loc, { timeZone: 'UTC', weekday: 'short', day: '2-digit', month: '2-digit' });
  const long = new Intl.DateTimeFormat(loc, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const plain = new Intl.DateTimeFormat(loc, { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' });
  const at = (date: string) => {
    const p = parseDate(date);
    return p ? new Date(Date.UTC(p.year, p.month - 1, p.day)) : new Date(NaN);
  };
  return {
    day: (date: string, isLong = false) => (isLong ? long : short).format(at(date)),
    date: (date: string) => plain.format(at(date)),
    weekdays: Array.from({ length: 7 }, (_, i) => short.formatToParts(at(`2026-03-${String(23 + i).padStart(2, '0')}`)).find((x) => x.type === 'weekday')!.value),
  };
}

export interface Preview {
  invalid: boolean;
  fields?: string;
  tz: string;
  items: Array<{ start: number; label: string; holiday: boolean }>;
}

/**
 * The next 10 occurrences from `now` as the form stands (before saving), in the event's local
 * time, by the scheduler's own expansion. With "not on holidays" a holiday occurrence is listed
 * struck through and does not count; an edited series' skipped or detached occurrences are left out.
 */
export function buildPreview(timing: Timing, skipHolidays: boolean, lang: string, now: number, holidays: Holiday[], ev: ScheduleEvent | null): Preview {
  const { start, timezone: tz, rule } = timing;
  const spec = { start, end: timing.end, timezone: tz, rule };
  const fmt = new Intl.DateTimeFormat(lang === 'de' ? 'de-AT' : 'en-GB', {
    timeZone: tz, weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const days = skipHolidays ? holidayDates(holidays) : new Set<string>();
  const excepted = new Set(ev && ev.recurrenceRule === rule && ev.start === start ? ev.exceptions.map((x) => x.occurrence) : []);
  const items: Preview['items'] = [];
  let counted = 0;
  for (const o of nextOccurrences(spec, now, PREVIEW_COUNT + 60)) {
    if (excepted.has(o.start)) continue;
    const holiday = days.has(localDate(o.start, tz));
    items.push({ start: o.start, label: `${fmt.format(o.start)} – ${time.format(o.end)}`, holiday });
    if (!holiday && ++counted === PREVIEW_COUNT) break;
  }
  return { invalid: false, tz, items };
}
