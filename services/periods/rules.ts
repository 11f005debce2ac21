/**
 * The rules of academic periods (docs/periods.md "Rules") as pure functions over the stored
 * periods: what blocks a create, an update, an activation, an archive, a restore or a delete, and
 * which period covers a day. The service (service.ts) loads the rows, asks these, and writes; the
 * page shows the same blockers before a button is pressed.
 */
import { coversDate, type AcademicPeriod, type PeriodType } from '../../domain/periods.ts';

export interface PeriodRef {
  id: number;
  name: string;
  startDate: string;
  endDate: string;
}

/** A recurring event that still has an occurrence running now or later. */
export interface LiveSeries {
  id: number;
  title: string;
  next: number; // start (UTC ms) of the occurrence running now or of the next one
}

/** Why an action is refused; `rule` names the rule (the API's `rule`, the page's message key). */
export type Blocker =
  | { rule: 'active' }
  | { rule: 'archived' }
  | { rule: 'not_archived' }
  | { rule: 'recurring_future'; events: LiveSeries[] }
  | { rule: 'linked_events'; count: number }
  | { rule: 'name_taken'; period: PeriodRef }
  | { rule: 'overlap'; periods: PeriodRef[] };

export type BlockerRule = Blocker['rule'];

/** What create and update check against the others. */
export interface DraftDates {
  name: string;
  startDate: string;
  endDate: string;
  periodType: PeriodType;
}

const ref = (p: AcademicPeriod): PeriodRef => ({ id: p.id, name: p.name, startDate: p.startDate, endDate: p.endDate });

/** Names compare without case, surrounding or repeated spaces ("Schuljahr  2025/26 " = "schuljahr 2025/26"). */
export function nameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('de');
}

/** The non-archived period (other than `exceptId`) that already has this name. */
export function nameTaken(periods: readonly AcademicPeriod[], name: string, exceptId: number | null): AcademicPeriod | null {
  const key = nameKey(name);
  return periods.find((p) => !p.isArchived && p.id !== exceptId && nameKey(p.name) === key) ?? null;
}

/** Non-archived periods of the same type whose days overlap the draft's (other types may overlap). */
export function overlapping(periods: readonly AcademicPeriod[], d: DraftDates, exceptId: number | null): AcademicPeriod[] {
  return periods.filter((p) => !p.isArchived && p.id !== exceptId && p.periodType === d.periodType && p.startDate <= d.endDate && d.startDate <= p.endDate);
}

function clashes(periods: readonly AcademicPeriod[], d: DraftDates, exceptId: number | null): Blocker[] {
  const out: Blocker[] = [];
  const taken = nameTaken(periods, d.name, exceptId);
  if (taken) out.push({ rule: 'name_taken', period: ref(taken) });
  const over = overlapping(periods, d, exceptId);
  if (over.length) out.push({ rule: 'overlap', periods: over.map(ref) });
  return out;
}

export function createBlockers(periods: readonly AcademicPeriod[], d: DraftDates): Blocker[] {
  return clashes(periods, d, null);
}

/** An archived period is read-only until restored. */
export function updateBlockers(period: AcademicPeriod, periods: readonly AcademicPeriod[], d: DraftDates): Blocker[] {
  return period.isArchived ? [{ rule: 'archived' }] : clashes(periods, d, period.id);
}

export function activateBlockers(period: AcademicPeriod): Blocker[] {
  return period.isArchived ? [{ rule: 'archived' }] : [];
}

/** Not the active period, not twice, and not while its recurring events still play now or later. */
export function archiveBlockers(period: AcademicPeriod, live: readonly LiveSeries[]): Blocker[] {
  if (period.isArchived) return [{ rule: 'archived' }];
  const out: Blocker[] = [];
  if (period.isActive) out.push({ rule: 'active' });
  if (live.length) out.push({ rule: 'recurring_future', events: [...live] });
  return out;
}

/** Back among the others: its name and days must still be free. */
export function restoreBlockers(period: AcademicPeriod, periods: readonly AcademicPeriod[]): Blocker[] {
  return period.isArchived ? clashes(periods, period, period.id) : [{ rule: 'not_archived' }];
}

/** Only an archived, inactive period without linked events is deleted for good. */
export function deleteBlockers(period: AcademicPeriod, linkedEvents: number): Blocker[] {
  const out: Blocker[] = [];
  if (!period.isArchived) out.push({ rule: 'not_archived' });
  if (period.isActive) out.push({ rule: 'active' });
  if (linkedEvents > 0) out.push({ rule: 'linked_events', count: linkedEvents });
  return out;
}

/**
 * The non-archived period covering `date`: the active one when it does, else the one that started
 * last (a semester inside its school year), then the shorter one, then the older id.
 */
export function periodForDate(periods: readonly AcademicPeriod[], date: string): AcademicPeriod | null {
  const covering = periods.filter((p) => !p.isArchived && coversDate(p, date));
  const span = (p: AcademicPeriod) => Date.parse(p.endDate) - Date.parse(p.startDate);
  covering.sort((a, b) => Number(b.isActive) - Number(a.isActive) || b.startDate.localeCompare(a.startDate) || span(a) - span(b) || a.id - b.id);
  return covering[0] ?? null;
}

const list = (refs: PeriodRef[]) => refs.map((p) => `"${p.name}" (${p.startDate} – ${p.endDate})`).join(', ');
const when = (ms: number) => new Date(ms).toISOString().replace(/:00\.000Z$/, 'Z');

/** The English sentence of a blocker (the JSON API's `error`; the page uses the catalog). */
export function blockerMessage(b: Blocker): string {
  switch (b.rule) {
    case 'active':
      return 'the active period cannot be archived or deleted: activate another period first';
    case 'archived':
      return 'the period is archived: restore it first';
    case 'not_archived':
      return 'only an archived period can be deleted (or restored): archive it first';
    case 'recurring_future':
      return `${b.events.length} recurring event${b.events.length === 1 ? ' still has' : 's still have'} current or future occurrences: ${b.events.map((e) => `"${e.title}" (#${e.id}, next ${when(e.next)})`).join(', ')}`;
    case 'linked_events':
      return `${b.count} event${b.count === 1 ? ' is' : 's are'} linked to the period: move or delete ${b.count === 1 ? 'it' : 'them'} first`;
    case 'name_taken':
      return `the name is taken by period ${b.period.id} "${b.period.name}" (names are unique among non-archived periods)`;
    case 'overlap':
      return `overlaps ${list(b.periods)} of the same type (periods of one type may not overlap)`;
  }
}
