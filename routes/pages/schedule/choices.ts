/**
 * The event form's lists of things to choose (docs/schedule-pages.md "Library items and periods"):
 * library videos, library PDFs and presentations grouped by folder, and the academic periods with
 * the active one first. Read-only; the event edits check the choice again on save.
 */
import { readyPdfBySource } from '../../../db/conversions.ts';
import type { Db } from '../../../db/client.ts';
import { listMedia, type MediaItem } from '../../../db/media.ts';
import { getPeriod, listPeriods } from '../../../db/periods.ts';
import type { AcademicPeriod } from '../../../domain/periods.ts';
import type { T } from '../../../views/i18n/index.ts';

export interface Choice {
  id: number;
  label: string;
}
/** One `<optgroup>`: a folder of the library and its items. */
export interface FolderChoices {
  label: string;
  items: Choice[];
}
export interface EventChoices {
  videos: FolderChoices[];
  documents: FolderChoices[];
  periods: Choice[];
}

/** Items (already sorted by folder, then name) into one group per folder; the top level first. */
function byFolder(items: MediaItem[], t: T, label: (m: MediaItem) => string): FolderChoices[] {
  const groups = new Map<string, Choice[]>();
  for (const m of items) {
    const list = groups.get(m.folder) ?? [];
    list.push({ id: m.id, label: label(m) });
    groups.set(m.folder, list);
  }
  return [...groups].map(([folder, list]) => ({ label: folder || t('event.media.top'), items: list }));
}

const byFolderThenName = (a: MediaItem, b: MediaItem) =>
  a.folder.localeCompare(b.folder) || a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id - b.id;

/**
 * The periods to offer: every non-archived one, the active one first (none is preselected for a
 * new event: a link is a choice, docs/periods.md "Links"), and the event's own period even when
 * it has been archived since, so that saving the form keeps the link instead of dropping it.
 */
async function periodChoices(db: Db, t: T, date: (d: string) => string, currentId: string): Promise<Choice[]> {
  const periods = await listPeriods(db);
  const ordered = [...periods.filter((p) => p.isActive), ...periods.filter((p) => !p.isActive)];
  const current = /^\d{1,12}$/.test(currentId) ? Number(currentId) : null;
  if (current !== null && !periods.some((p) => p.id === current)) {
    const archived = await getPeriod(db, current);
    if (archived) ordered.push(archived);
  }
  const label = (p: AcademicPeriod) => {
    const span = `${p.name} (${date(p.startDate)} – ${date(p.endDate)})`;
    return p.isActive ? t('event.period.active', { name: span }) : p.isArchived ? t('event.period.archived', { name: span }) : span;
  };
  return ordered.map((p) => ({ id: p.id, label: label(p) }));
}

/** Everything the event form offers to choose, in the reader's language. */
export async function eventChoices(db: Db, t: T, date: (d: string) => string, currentPeriodId: string): Promise<EventChoices> {
  const [videos, pdfs, decks, ready] = await Promise.all([
    listMedia(db, { mediaType: 'video' }), listMedia(db, { mediaType: 'pdf' }), listMedia(db, { mediaType: 'presentation' }), readyPdfBySource(db),
  ]);
  // A presentation is shown as the PDF of its conversion (docs/media.md): until then it is left out on screen.
  const docLabel = (m: MediaItem) => (m.mediaType === 'presentation' && !ready.has(m.id) ? t('event.media.notConverted', { name: m.name }) : m.name);
  return {
    videos: byFolder(videos, t, (m) => m.name),
    documents: byFolder([...pdfs, ...decks].sort(byFolderThenName), t, docLabel),
    periods: await periodChoices(db, t, date, currentPeriodId),
  };
}
