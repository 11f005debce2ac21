/**
 * Event request bodies (docs/http.md "Request bodies": camelCase, type-specific fields in an object
 * named after the type, omitted fields take the system defaults) as zod schemas, and the check of
 * a complete event. Shared by the JSON API and the dashboard's event form.
 */
import { z } from 'zod';
import { checkRule } from '../../lib/schedule/recurrence.ts';
import { parseInstant } from '../../lib/schedule/rfc5545.ts';
import { isTimeZone } from '../../lib/schedule/zone.ts';
import { issueText } from '../../lib/schedule/issues.ts';
import { issue, type Issue } from './edit-result.ts';
import { EVENT_TYPES, type EventDraft, type EventFields, type EventType } from '../../lib/schedule/types.ts';

export type { EventDraft };

export const MAX_EVENT_MS = 31 * 86_400_000; // one occurrence lasts at most 31 days

const url = z.url({ protocol: /^https?$/ }).max(2000);
const instant = z.string().transform((v, ctx) => {
  const ms = parseInstant(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: issueText('instant_format'), params: { code: 'instant_format' } });
    return z.NEVER;
  }
  return ms;
});
const timezone = z.string().refine(isTimeZone, { message: issueText('timezone'), params: { code: 'timezone' } });
const rule = z
  .string()
  .max(500)
  .nullable()
  .transform((v, ctx) => {
    if (v === null || v.trim() === '') return null;
    const r = checkRule(v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.message, params: { code: r.code, ...r.params } });
      return z.NEVER;
    }
    return r.rule;
  });

const mediaId = z.number().int().positive();
const presentation = z.object({
  files: z.array(url).max(500).default([]),
  eventMediaIds: z.array(mediaId).max(500).nullish(),
  slideInterval: z.number().int().min(1).max(86_400).nullish(),
  pageProgress: z.boolean().nullish(),
  autoProgress: z.boolean().nullish(),
});
const website = z.object({ url: url.nullish() });
const video = z.object({
  url: url.nullish(),
  eventMediaId: mediaId.nullish(), // a library item instead of a URL (docs/media.md)
  autoplay: z.boolean().nullish(),
  loop: z.boolean().nullish(),
  volume: z.number().min(0).max(1).nullish(),
  muted: z.boolean().nullish(),
});
const message = z.object({ text: z.string().trim().min(1).max(5000) });

/** Every field of an event body; all optional so that PUT can send only what changes. */
export const eventFieldsSchema = z.object({
  groupId: z.number().int().positive(),
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).nullable(),
  eventType: z.enum(EVENT_TYPES),
  start: instant,
  end: instant,
  timezone,
  recurrenceRule: rule,
  skipHolidays: z.boolean(),
  isActive: z.boolean(),
  presentation: presentation.nullable(),
  website: website.nullable(),
  video: video.nullable(),
  message: message.nullable(),
  /** The academic period (docs/periods.md); null unlinks. */
  academicPeriodId: z.number().int().positive().nullable(),
});

export const eventCreateSchema = eventFieldsSchema.partial().required({ groupId: true, title: true, eventType: true, start: true, end: true });
export const eventUpdateSchema = eventFieldsSchema.partial();

export type EventCreateBody = z.output<typeof eventCreateSchema>;
export type EventUpdateBody = z.output<typeof eventUpdateSchema>;


export type DraftCheck = { ok: true; draft: EventDraft } | { ok: false; issues: Issue[] };

/**
 * Combines a body with the event it updates (or defaults for a new one) and checks what only the
 * whole event can tell: end after start, the type's required fields. Only the object of the
 * event's own type is kept.
 */
export function completeDraft(body: EventUpdateBody, base: EventDraft | null, defaultTimezone: string): DraftCheck {
  const eventType = (body.eventType ?? base?.eventType)!;
  const pick = <K extends keyof EventFields>(k: K) => (body[k] !== undefined ? body[k] ?? undefined : base?.fields[k]);
  const draft: EventDraft = {
    groupId: (body.groupId ?? base?.groupId)!,
    title: (body.title ?? base?.title)!,
    description: body.description !== undefined ? body.description || null : base?.description ?? null,
    eventType,
    start: (body.start ?? base?.start)!,
    end: (body.end ?? base?.end)!,
    timezone: body.timezone ?? base?.timezone ?? defaultTimezone,
    recurrenceRule: body.recurrenceRule !== undefined ? body.recurrenceRule : base?.recurrenceRule ?? null,
    skipHolidays: body.skipHolidays ?? base?.skipHolidays ?? false,
    isActive: body.isActive ?? base?.isActive ?? true,
    fields: {},
    academicPeriodId: body.academicPeriodId !== undefined ? body.academicPeriodId : base?.academicPeriodId ?? null,
  };
  const issues: Issue[] = [];
  if (!(draft.end > draft.start)) issues.push(issue('end', 'end_before_start'));
  else if (draft.end - draft.start > MAX_EVENT_MS) issues.push(issue('end', 'span_too_long', { days: MAX_EVENT_MS / 86_400_000 }));
  const p = pick('presentation') as z.output<typeof presentation> | undefined;
  const w = pick('website') as z.output<typeof website> | undefined;
  const v = pick('video') as z.output<typeof video> | undefined;
  const m = pick('message') as z.output<typeof message> | undefined;
  switch (eventType) {
    case 'presentation':
      if (!p || p.files.length + (p.eventMediaIds?.length ?? 0) === 0) issues.push(issue('presentation.files', 'presentation_files'));
      else draft.fields.presentation = { files: p.files, ...(p.eventMediaIds?.length ? { eventMediaIds: p.eventMediaIds } : {}), slideInterval: p.slideInterval ?? null, pageProgress: p.pageProgress ?? null, autoProgress: p.autoProgress ?? null };
      break;
    case 'website':
      if (!w?.url) issues.push(issue('website.url', 'website_url'));
      else draft.fields.website = { url: w.url };
      break;
    case 'webuntis':
      draft.fields.website = { url: w?.url ?? null }; // null: the supplement_table_url setting
      break;
    case 'video':
      if (!v || (!v.url && !v.eventMediaId)) issues.push(issue('video.url', 'video_url'));
      else draft.fields.video = { url: v.eventMediaId ? '' : v.url!, ...(v.eventMediaId ? { eventMediaId: v.eventMediaId } : {}), autoplay: v.autoplay ?? null, loop: v.loop ?? null, volume: v.volume ?? null, muted: v.muted ?? null };
      break;
    case 'message':
      if (!m) issues.push(issue('message.text', 'message_text'));
      else draft.fields.message = { text: m.text };
      break;
    case 'other':
      break;
  }
  return issues.length ? { ok: false, issues } : { ok: true, draft };
}
