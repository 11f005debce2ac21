/**
 * Wire payloads of docs/scheduler.md: the retained event list of a group (one element per active
 * occurrence) and the TV power intent. System defaults fill every type-specific field the editor
 * left out.
 */
import { wireTime } from './rfc5545.ts';
import type { IntentState } from './power-intent.ts';
import type { SettingValues } from './settings.ts';
import type { Occurrence, ScheduleEvent } from './types.ts';

/** A library item as the screens get it (docs/media.md "On the wire"): signed URL and metadata. */
export interface MediaRef {
  url: string;
  mimeType: string;
  size: number; // bytes
  duration: number | null; // seconds (videos)
  pageCount: number | null; // PDFs
}

/** Resolves an item id for one cycle (null: unknown item, or a presentation not converted yet). */
export type MediaLookup = (id: number) => MediaRef | null;

/** What the scheduler asks the media library for (services/media/directory.ts implements it). */
export interface MediaLinks {
  /** The lookup for a cycle at `now`, and when its signed URLs must be replaced (UTC ms). */
  at(now: number): Promise<{ lookup: MediaLookup; renewAt: number }>;
}

/** Whether an event's payload carries library items (their URLs are renewed: docs/media.md). */
export function usesMedia(ev: ScheduleEvent): boolean {
  return !!ev.fields.video?.eventMediaId || !!ev.fields.presentation?.eventMediaIds?.length;
}

const NO_MEDIA: MediaLookup = () => null;

/** The metadata fields that follow a library item's URL (added to the contract's objects, docs/mqtt.md). */
function mediaFields(m: MediaRef): Record<string, unknown> {
  return { mime_type: m.mimeType, size: m.size, accept_ranges: true, duration: m.duration };
}

export function eventPayload(o: Occurrence, s: SettingValues, media: MediaLookup = NO_MEDIA): Record<string, unknown> {
  const ev = o.event;
  const out: Record<string, unknown> = {
    id: ev.id,
    group_id: ev.groupId,
    title: ev.title,
    event_type: ev.eventType,
    start: wireTime(o.start),
    end: wireTime(o.end),
  };
  const f = ev.fields;
  switch (ev.eventType) {
    case 'presentation': {
      const p = f.presentation;
      const items = (p?.eventMediaIds ?? []).map(media).filter((m): m is MediaRef => m !== null);
      out.presentation = {
        files: [...(p?.files ?? []), ...items.map((m) => m.url)],
        slide_interval: p?.slideInterval ?? s.presentation_interval,
        page_progress: p?.pageProgress ?? s.presentation_page_progress,
        auto_progress: p?.autoProgress ?? s.presentation_auto_progress,
      };
      // Library items: metadata per file, in a list of its own (`files` stays a list of URLs).
      if (p?.eventMediaIds?.length) (out.presentation as Record<string, unknown>).files_metadata = items.map((m) => ({ url: m.url, ...mediaFields(m), page_count: m.pageCount }));
      break;
    }
    case 'website':
      out.website = { type: 'browser', url: f.website?.url ?? '' };
      break;
    case 'webuntis':
      out.website = { type: 'browser', url: f.website?.url ?? s.supplement_table_url };
      break;
    case 'video': {
      const v = f.video;
      const item = v?.eventMediaId ? media(v.eventMediaId) : null;
      out.video = {
        url: item?.url ?? v?.url ?? '',
        autoplay: v?.autoplay ?? s.video_autoplay,
        loop: v?.loop ?? s.video_loop,
        volume: v?.volume ?? s.video_volume,
        muted: v?.muted ?? s.video_muted,
        ...(item ? mediaFields(item) : {}),
      };
      break;
    }
    case 'message':
      out.message = { text: f.message?.text ?? '' };
      break;
    case 'other':
      break;
  }
  return out;
}

/** The JSON array for `infoscreen/events/{group_id}` (`[]` when nothing is active). */
export function eventListPayload(active: Occurrence[], s: SettingValues, media: MediaLookup = NO_MEDIA): string {
  return JSON.stringify(active.map((o) => eventPayload(o, s, media)));
}

/** The JSON for `infoscreen/groups/{group_id}/power/intent`, keys in the order of docs/scheduler.md. */
export function intentPayload(groupId: number, st: IntentState, pollSeconds: number): string {
  return JSON.stringify({
    schema_version: '1.0',
    intent_id: st.intentId,
    group_id: groupId,
    desired_state: st.desiredState,
    reason: st.reason,
    issued_at: new Date(st.issuedAt).toISOString(),
    expires_at: new Date(st.expiresAt).toISOString(),
    poll_interval_sec: pollSeconds,
    active_event_ids: st.activeEventIds,
    event_window_start: st.windowStart === null ? null : wireTime(st.windowStart),
    event_window_end: st.windowEnd === null ? null : wireTime(st.windowEnd),
  });
}
