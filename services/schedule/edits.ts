/**
 * The one place schedule edits happen (docs/scheduler.md "Where things live"): events
 * and their exceptions, groups, holidays, system settings. The JSON API (routes/events.ts,
 * groups.ts, holidays.ts, system-settings.ts) and the dashboard pages (routes/pages/schedule*.ts,
 * groups.ts, holidays.ts) both call it, so a rule cannot differ between them. Each edit checks,
 * writes through the one writer and lets the scheduler republish the affected groups before it
 * resolves; failures come back typed (edit-result.ts), never as HTTP errors.
 *
 * It lives in services/ rather than actors/: it owns no state and no actor; the Fleet and the scheduler
 * are only reached through the two narrow ports of `ScheduleEditDeps`.
 */
import { deleteSettingStatement, listSettings, setSettingsStatements } from '../../db/settings.ts';
import { editWrites, type ScheduleEditDeps } from './edit-result.ts';
import { eventEdits } from './event-edits.ts';
import { groupEdits } from './group-edits.ts';
import { holidayEdits } from './holiday-edits.ts';
import { SETTING_KEYS, settingValues, storedValue, type SettingKey, type SettingValues } from '../../lib/schedule/settings.ts';

export * from './edit-result.ts';
export type { OccurrenceSpan } from './event-edits.ts';
export type { HolidayInput, HolidayOutcome, ImportResult } from './holiday-edits.ts';

export function scheduleEdits(d: ScheduleEditDeps) {
  const w = editWrites(d);
  return {
    ...eventEdits(d, w),
    ...groupEdits(d, w),
    ...holidayEdits(d, w),

    /**
     * System defaults (docs/scheduler.md "The contract in short"): the given keys, already checked (`null` resets one to its
     * default); every group republishes, since defaults are applied when a payload is built.
     */
    async saveSettings(values: Partial<Record<SettingKey, unknown>>): Promise<SettingValues> {
      const resets = SETTING_KEYS.filter((k) => values[k] === null).map((k) => deleteSettingStatement(k));
      const set: Record<string, string> = {};
      for (const key of SETTING_KEYS) if (values[key] !== undefined && values[key] !== null) set[key] = storedValue(key, values[key]);
      await w.write([...resets, ...setSettingsStatements(set, d.now())], { settings: true });
      return settingValues(await listSettings(d.db));
    },
  };
}

export type ScheduleEdits = ReturnType<typeof scheduleEdits>;
