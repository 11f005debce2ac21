/**
 * Wire payloads of docs/scheduler.md: the retained event list of a group (one element per active
 * occurrence) and the TV power intent. System defaults fill every type-specific field the editor
 * left out.
 */
import { wireTime } from './rfc5545.ts';
import type { IntentState } from './power-intent.ts';
import type { SettingValues } from './settings.ts';
import type { Occurrence } from './types.ts';

export function eventPayload(o: Occurrence, s: SettingValues): Record<string, unknown> {
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
      out.presentation = {
        files: p?.files ?? [],
        slide_interval: p?.slideInterval ?? s.presentation_interval,
        page_progress: p?.pageProgress ?? s.presentation_page_progress,
        auto_progress: p?.autoProgress ?? s.presentation_auto_progress,
      };
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
      out.video = {
        url: v?.url ?? '',
        autoplay: v?.autoplay ?? s.video_autoplay,
        loop: v?.loop ?? s.video_loop,
        volume: v?.volume ?? s.video_volume,
        muted: v?.muted ?? s.video_muted,
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
export function eventListPayload(active: Occurrence[], s: SettingValues): string {
  return JSON.stringify(active.map((o) => eventPayload(o, s)));
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
