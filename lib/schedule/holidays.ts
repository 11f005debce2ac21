/**
 * Holidays (docs/scheduler.md "The contract in short"): whole local days, start and end inclusive. Overlapping (or
 * adjacent) holidays with the same normalised name + region merge into one; a holiday overlapping
 * a different one is a conflict and is not stored (its days are covered already, so skipping it
 * changes no schedule). One planner serves the CSV import and the single-holiday API.
 */
import type { Holiday } from './types.ts';
import type { Problem } from './issues.ts';

export interface HolidayDraft {
  name: string;
  region: string;
  startDate: string;
  endDate: string;
}

export interface HolidayConflict {
  line: number | null; // CSV line, null for the API
  name: string;
  startDate: string;
  endDate: string;
  conflictsWith: { id: number | null; name: string; region: string; startDate: string; endDate: string };
}

/** A bad CSV row: its problems as codes (pages translate them), `message` their English (the API's). */
export interface CsvRowError {
  line: number;
  message: string;
  problems: Problem[];
}

export interface ImportReport {
  inserted: number;
  merged: number;
  skipped: number; // already covered by the same holiday
  conflicts: HolidayConflict[];
  errors: CsvRowError[]; // bad rows, not imported
}

/** What to write: new rows, extended rows, rows absorbed into another by a merge. */
export interface HolidayPlan {
  inserts: HolidayDraft[];
  updates: Array<{ id: number; startDate: string; endDate: string }>;
  deletes: number[];
  report: ImportReport;
  /** Per input row (same order): what happened and, for merged/inserted/skipped rows, the entry. */
  outcomes: Array<{ outcome: 'inserted' | 'merged' | 'skipped' | 'conflict'; id: number | null; range: [string, string] }>;
}

export const MAX_HOLIDAY_DAYS = 366; // one holiday spans at most a year

/** Normalised identity for merging: case, surrounding and repeated spaces do not matter. */
export function holidayKey(name: string, region: string): string {
  const norm = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('de');
  return `${norm(name)}|${norm(region)}`;
}

/** `YYYY-MM-DD` ± days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

interface Entry {
  id: number | null;
  name: string;
  region: string;
  key: string;
  start: string;
  end: string;
  changed: boolean;
  removed: boolean;
}

/** Merges `rows` (in order) into `existing`; pure, nothing is written. */
export function planHolidays(existing: Holiday[], rows: Array<HolidayDraft & { line?: number }>): HolidayPlan {
  const entries: Entry[] = existing.map((h) => ({
    id: h.id, name: h.name, region: h.region, key: holidayKey(h.name, h.region), start: h.startDate, end: h.endDate, changed: false, removed: false,
  }));
  const report: ImportReport = { inserted: 0, merged: 0, skipped: 0, conflicts: [], errors: [] };
  const outcomes: HolidayPlan['outcomes'] = [];
  for (const row of rows) {
    const key = holidayKey(row.name, row.region);
    const live = entries.filter((e) => !e.removed);
    const conflict = live.find((e) => e.key !== key && e.start <= row.endDate && row.startDate <= e.end);
    if (conflict) {
      report.conflicts.push({
        line: row.line ?? null, name: row.name, startDate: row.startDate, endDate: row.endDate,
        conflictsWith: { id: conflict.id, name: conflict.name, region: conflict.region, startDate: conflict.start, endDate: conflict.end },
      });
      outcomes.push({ outcome: 'conflict', id: conflict.id, range: [row.startDate, row.endDate] });
      continue;
    }
    // Same holiday: overlapping or touching (the day after its end) ranges are one holiday.
    const same = live.filter((e) => e.key === key && e.start <= addDays(row.endDate, 1) && row.startDate <= addDays(e.end, 1));
    if (same.length === 0) {
      const e: Entry = { id: null, name: row.name.trim(), region: row.region.trim(), key, start: row.startDate, end: row.endDate, changed: true, removed: false };
      entries.push(e);
      report.inserted++;
      outcomes.push({ outcome: 'inserted', id: null, range: [e.start, e.end] });
      continue;
    }
    if (same.length === 1 && same[0].start <= row.startDate && row.endDate <= same[0].end) {
      report.skipped++;
      outcomes.push({ outcome: 'skipped', id: same[0].id, range: [same[0].start, same[0].end] });
      continue;
    }
    // Keep a stored row when there is one (its id stays stable), absorb the others.
    const target = same.find((e) => e.id !== null) ?? same[0];
    for (const e of same) {
      if (e.start < target.start) target.start = e.start;
      if (e.end > target.end) target.end = e.end;
      if (e !== target) e.removed = true;
    }
    if (row.startDate < target.start) target.start = row.startDate;
    if (row.endDate > target.end) target.end = row.endDate;
    target.changed = true;
    report.merged++;
    outcomes.push({ outcome: 'merged', id: target.id, range: [target.start, target.end] });
  }
  const plan: HolidayPlan = { inserts: [], updates: [], deletes: [], report, outcomes };
  for (const e of entries) {
    if (e.id === null) {
      if (!e.removed) plan.inserts.push({ name: e.name, region: e.region, startDate: e.start, endDate: e.end });
    } else if (e.removed) plan.deletes.push(e.id);
    else if (e.changed) plan.updates.push({ id: e.id, startDate: e.start, endDate: e.end });
  }
  return plan;
}

/** Every local date covered by a holiday, for skip_holidays (a set: the few hundred days a year). */
export function holidayDates(holidays: Holiday[]): Set<string> {
  const out = new Set<string>();
  for (const h of holidays) {
    const n = Math.min(daysBetween(h.startDate, h.endDate), MAX_HOLIDAY_DAYS);
    for (let i = 0; i <= n; i++) out.add(addDays(h.startDate, i));
  }
  return out;
}
