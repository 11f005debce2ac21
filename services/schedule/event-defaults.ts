/**
 * System defaults are starting values: an event gets the current defaults copied into the fields
 * it left open when it is created (or edited), so a later change of a default only affects events
 * created after it (docs/scheduler.md "System settings"). `supplement_table_url` is no default but
 * the school's one substitution-plan address: webuntis events without their own URL keep following it.
 */
import type { InStatement } from '@libsql/client';
import type { Db } from '../../db/client.ts';
import { listEvents, setEventFieldsStatement } from '../../db/events.ts';
import { listSettings } from '../../db/settings.ts';
import type { EventFields, EventType } from '../../lib/schedule/types.ts';
import { settingValues, type SettingValues } from '../../lib/schedule/settings.ts';

/** `fields` with every open default-backed value filled from `s`; the same object when nothing was open. */
export function withDefaults(type: EventType, fields: EventFields, s: SettingValues): EventFields {
  if (type === 'presentation' && fields.presentation) {
    const p = fields.presentation;
    if (p.slideInterval !== null && p.pageProgress !== null && p.autoProgress !== null) return fields;
    return {
      ...fields,
      presentation: {
        ...p,
        slideInterval: p.slideInterval ?? s.presentation_interval,
        pageProgress: p.pageProgress ?? s.presentation_page_progress,
        autoProgress: p.autoProgress ?? s.presentation_auto_progress,
      },
    };
  }
  if (type === 'video' && fields.video) {
    const v = fields.video;
    if (v.autoplay !== null && v.loop !== null && v.volume !== null && v.muted !== null) return fields;
    return {
      ...fields,
      video: { ...v, autoplay: v.autoplay ?? s.video_autoplay, loop: v.loop ?? s.video_loop, volume: v.volume ?? s.video_volume, muted: v.muted ?? s.video_muted },
    };
  }
  return fields;
}

/**
 * Events stored while defaults still applied at publish time (open fields in the database): their
 * open fields get the defaults in force now, once, at start-up. Statements for the writer.
 */
export async function freezeOpenDefaults(db: Db): Promise<InStatement[]> {
  const s = settingValues(await listSettings(db));
  const out: InStatement[] = [];
  for (const ev of await listEvents(db)) {
    const filled = withDefaults(ev.eventType, ev.fields, s);
    if (filled !== ev.fields) out.push(setEventFieldsStatement(ev.id, filled));
  }
  return out;
}
