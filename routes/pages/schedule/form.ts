/**
 * The event form ↔ the event body of docs/http.md "Request bodies": a plain HTML
 * form speaks strings in the event's local time; the body speaks UTC instants and typed fields.
 * `parseEventForm` never throws: every problem becomes a message key on the form field that
 * caused it, so the page re-renders the form with the field named (400). Pure.
 */
import { EVENT_TYPES, type EventType, type ScheduleEvent } from '../../../lib/schedule/types.ts';
import { ENDS, FREQS, recurrenceToRrule, rruleToRecurrence, defaultRecurrence, type FieldErrors, type RecurrenceForm } from './model.ts';
import { isTimeZone, localDate, localTime, localToUtc, parseDate, parseTime } from './zone.ts';

/** Tri-state for type options: '' = the system default applies (docs/scheduler.md "System settings"). */
export type Choice = '' | 'yes' | 'no';

export interface EventForm {
  groupId: string;
  title: string;
  eventType: string;
  date: string; // YYYY-MM-DD, local
  startTime: string; // HH:MM, local
  endTime: string; // HH:MM, local; not after the start = the next day
  timezone: string;
  skipHolidays: boolean;
  active: boolean;
  url: string;
  text: string;
  files: string; // one URL per line
  slideInterval: string;
  volume: string; // 0–100 %
  autoplay: Choice;
  loop: Choice;
  muted: Choice;
  pageProgress: Choice;
  autoProgress: Choice;
  recurrence: RecurrenceForm;
  /** A library video (docs/media.md) instead of `url`; '' = none. */
  videoMediaId: string;
  /** Library PDFs / presentations shown besides `files`, in the order of the list. */
  presentationMediaIds: string[];
  /** The academic period (docs/periods.md "Links"); '' = none. */
  academicPeriodId: string;
}

/** The camelCase body the events API takes (docs/http.md "Request bodies"). */
export interface EventBody {
  groupId: number;
  title: string;
  eventType: EventType;
  start: string;
  end: string;
  timezone: string;
  recurrenceRule: string | null;
  skipHolidays: boolean;
  isActive: boolean;
  academicPeriodId: number | null;
  website?: { url?: string };
  video?: { url?: string; eventMediaId?: number; autoplay?: boolean; loop?: boolean; volume?: number; muted?: boolean };
  presentation?: { files: string[]; eventMediaIds?: number[]; slideInterval?: number; pageProgress?: boolean; autoProgress?: boolean };
  message?: { text: string };
}

type FormBody = Record<string, string | File | (string | File)[]>;

const str = (b: FormBody, k: string): string => {
  const v = b[k];
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'string' ? one.trim() : '';
};
const all = (b: FormBody, k: string): string[] => {
  const v = b[k] ?? b[`${k}[]`];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
};
const choice = (b: FormBody, k: string): Choice => (str(b, k) === 'yes' ? 'yes' : str(b, k) === 'no' ? 'no' : '');
const toChoice = (v: boolean | null | undefined): Choice => (v === true ? 'yes' : v === false ? 'no' : '');
const fromChoice = (c: Choice): boolean | undefined => (c === '' ? undefined : c === 'yes');

/** A form as posted (`parseBody({ all: true })`); unknown keys are ignored. */
export function readEventForm(b: FormBody): EventForm {
  const freq = str(b, 'freq');
  const end = str(b, 'end');
  return {
    groupId: str(b, 'groupId'), title: str(b, 'title'), eventType: str(b, 'eventType'),
    date: str(b, 'date'), startTime: str(b, 'startTime'), endTime: str(b, 'endTime'), timezone: str(b, 'timezone'),
    skipHolidays: str(b, 'skipHolidays') === 'on', active: str(b, 'active') === 'on',
    url: str(b, 'url'), text: str(b, 'text'), files: str(b, 'files'), slideInterval: str(b, 'slideInterval'), volume: str(b, 'volume'),
    autoplay: choice(b, 'autoplay'), loop: choice(b, 'loop'), muted: choice(b, 'muted'),
    pageProgress: choice(b, 'pageProgress'), autoProgress: choice(b, 'autoProgress'),
    recurrence: {
      freq: (FREQS as readonly string[]).includes(freq) || freq === 'custom' ? (freq as RecurrenceForm['freq']) : 'none',
      interval: str(b, 'interval'),
      byDay: all(b, 'byDay').filter((d) => /^[0-6]$/.test(d)).map(Number),
      end: (ENDS as readonly string[]).includes(end) ? (end as RecurrenceForm['end']) : 'never',
      until: str(b, 'until'), count: str(b, 'count'), custom: str(b, 'rrule'),
    },
    videoMediaId: str(b, 'videoMediaId'),
    presentationMediaIds: all(b, 'presentationMediaIds').map((x) => x.trim()).filter(Boolean),
    academicPeriodId: str(b, 'academicPeriodId'),
  };
}

/** An empty form for a new event on `date` in `timezone` (08:00–09:00, active, holidays skipped). */
export function newEventForm(groupId: number | null, date: string, timezone: string): EventForm {
  return {
    groupId: groupId === null ? '' : String(groupId), title: '', eventType: 'website', date, startTime: '08:00', endTime: '09:00', timezone,
    skipHolidays: true, active: true, url: '', text: '', files: '', slideInterval: '', volume: '',
    autoplay: '', loop: '', muted: '', pageProgress: '', autoProgress: '', recurrence: defaultRecurrence(date),
    videoMediaId: '', presentationMediaIds: [], academicPeriodId: '',
  };
}

/** A stored event as its form (edit page). */
export function eventToForm(e: ScheduleEvent): EventForm {
  const tz = e.timezone;
  const f = e.fields;
  const form = newEventForm(e.groupId, localDate(e.start, tz), tz);
  Object.assign(form, {
    title: e.title, eventType: e.eventType, startTime: localTime(e.start, tz), endTime: localTime(e.end, tz),
    skipHolidays: e.skipHolidays, active: e.isActive,
    url: f.video?.url ?? f.website?.url ?? '', text: f.message?.text ?? '', files: (f.presentation?.files ?? []).join('\n'),
    slideInterval: f.presentation?.slideInterval?.toString() ?? '',
    volume: f.video?.volume === null || f.video?.volume === undefined ? '' : String(Math.round(f.video.volume * 100)),
    autoplay: toChoice(f.video?.autoplay), loop: toChoice(f.video?.loop), muted: toChoice(f.video?.muted),
    pageProgress: toChoice(f.presentation?.pageProgress), autoProgress: toChoice(f.presentation?.autoProgress),
    recurrence: e.recurrenceRule ? rruleToRecurrence(e.recurrenceRule, tz) : defaultRecurrence(localDate(e.start, tz)),
    videoMediaId: f.video?.eventMediaId ? String(f.video.eventMediaId) : '',
    presentationMediaIds: (f.presentation?.eventMediaIds ?? []).map(String),
    academicPeriodId: e.academicPeriodId ? String(e.academicPeriodId) : '',
  });
  if (e.end - e.start > 86_400_000) form.endTime = ''; // longer than a day: the form cannot show it, asks again
  return form;
}

const URL_RE = /^https?:\/\/\S+$/i;
const ID_RE = /^\d{1,12}$/;
/** '' → null, an id → its number, anything else → NaN (a field error). */
const idOf = (v: string): number | null => (v === '' ? null : ID_RE.test(v) && Number(v) > 0 ? Number(v) : NaN);

export interface Timing {
  start: number;
  end: number;
  timezone: string;
  rule: string | null;
  errors: FieldErrors;
}

/** When the event happens (date, times, zone, recurrence): all the preview needs. */
export function formTiming(form: EventForm): Timing {
  const errors: FieldErrors = {};
  const tz = form.timezone;
  if (!isTimeZone(tz)) errors.timezone = 'schedule.err.timezone';
  const d = parseDate(form.date);
  if (!d) errors.date = 'schedule.err.date';
  const from = parseTime(form.startTime);
  const to = parseTime(form.endTime);
  if (from === null) errors.startTime = 'schedule.err.time';
  if (to === null) errors.endTime = 'schedule.err.time';
  let start = 0;
  let end = 0;
  if (d && from !== null && to !== null && !errors.timezone) {
    start = localToUtc(d.year, d.month, d.day, 0, from, tz);
    // An end not after the start ends on the next day (a night event, 22:00–02:00).
    end = localToUtc(d.year, d.month, d.day + (to <= from ? 1 : 0), 0, to, tz);
    if (end <= start) errors.endTime = 'schedule.err.endBeforeStart';
  }
  const { rule, errors: ruleErrors } = recurrenceToRrule(form.recurrence, errors.timezone ? 'UTC' : tz);
  return { start, end, timezone: tz, rule, errors: { ...errors, ...ruleErrors } };
}

/** Form → body, or the errors per field (message keys of views/i18n/messages/scheduler.ts). */
export function formToBody(form: EventForm, groupIds: number[]): { body: EventBody; errors?: undefined } | { errors: FieldErrors; body?: undefined } {
  const errors: FieldErrors = {};
  const groupId = /^\d{1,9}$/.test(form.groupId) ? Number(form.groupId) : NaN;
  if (!groupIds.includes(groupId)) errors.groupId = 'schedule.err.group';
  if (!form.title) errors.title = 'schedule.err.required';
  else if (form.title.length > 200) errors.title = 'schedule.err.tooLong';
  const type = form.eventType as EventType;
  if (!(EVENT_TYPES as readonly string[]).includes(type)) errors.eventType = 'schedule.err.choice';
  const timing = formTiming(form);
  Object.assign(errors, timing.errors);
  const body: EventBody = {
    groupId, title: form.title, eventType: type, start: new Date(timing.start).toISOString(), end: new Date(timing.end).toISOString(),
    timezone: timing.timezone, recurrenceRule: timing.rule, skipHolidays: form.skipHolidays, isActive: form.active,
    academicPeriodId: idOf(form.academicPeriodId), // none chosen unlinks, as the select shows
  };
  if (Number.isNaN(body.academicPeriodId)) errors.academicPeriodId = 'schedule.err.choice';
  typeFields(form, type, body, errors);
  return Object.keys(errors).length ? { errors } : { body };
}

function typeFields(form: EventForm, type: EventType, body: EventBody, errors: FieldErrors): void {
  const url = form.url;
  if (url && (!URL_RE.test(url) || url.length > 2000)) errors.url = 'schedule.err.url';
  if (type === 'website' || type === 'webuntis') {
    if (!url && type === 'website') errors.url = 'schedule.err.required';
    body.website = url ? { url } : {};
  } else if (type === 'video') {
    // A library video or an address, never both (the API would quietly drop the address).
    const item = idOf(form.videoMediaId);
    if (Number.isNaN(item)) errors.videoMediaId = 'schedule.err.choice';
    else if (item !== null && url) errors.videoMediaId = 'schedule.err.videoBoth';
    else if (item === null && !url) errors.url = 'schedule.err.videoNone';
    const volume = form.volume === '' ? undefined : /^\d{1,3}$/.test(form.volume) && Number(form.volume) <= 100 ? Number(form.volume) / 100 : NaN;
    if (Number.isNaN(volume)) errors.volume = 'schedule.err.volume';
    const source = item ? { eventMediaId: item } : { url };
    body.video = { ...source, autoplay: fromChoice(form.autoplay), loop: fromChoice(form.loop), volume, muted: fromChoice(form.muted) };
  } else if (type === 'presentation') {
    const files = form.files.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    const items = form.presentationMediaIds.map(idOf);
    if (items.some((i) => i === null || Number.isNaN(i)) || items.length > 200) errors.presentationMediaIds = 'schedule.err.choice';
    if (!files.length && !items.length) errors.files = 'schedule.err.filesNone';
    else if (files.length > 200 || files.some((f) => !URL_RE.test(f) || f.length > 2000)) errors.files = 'schedule.err.url';
    const interval = form.slideInterval === '' ? undefined : /^\d{1,5}$/.test(form.slideInterval) && Number(form.slideInterval) >= 1 ? Number(form.slideInterval) : NaN;
    if (Number.isNaN(interval)) errors.slideInterval = 'schedule.err.interval';
    body.presentation = { files, ...(items.length ? { eventMediaIds: items as number[] } : {}), slideInterval: interval, pageProgress: fromChoice(form.pageProgress), autoProgress: fromChoice(form.autoProgress) };
  } else if (type === 'message') {
    if (!form.text) errors.text = 'schedule.err.required';
    else if (form.text.length > 5000) errors.text = 'schedule.err.tooLong';
    body.message = { text: form.text };
  }
}
