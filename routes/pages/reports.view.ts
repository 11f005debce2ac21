/**
 * The availability page's view model (docs/availability.md "Page"): the report turned into table
 * rows with localised percentages, durations and one strip of cells per screen. Pure.
 */
import type { I18n } from '../../views/i18n/index.ts';
import type { Bucket, Figures, Report } from '../../services/availability/report.ts';
import type { BucketUnit } from '../../services/availability/types.ts';

export const SHOWN_SCREENS = 200; // rows on the page; the CSV has every screen

export interface Cell {
  level: 'none' | 'a1' | 'a2' | 'a3' | 'a4' | 'a5';
  title: string;
}

/** Cell colour steps: no known time, then below 80, 95, 99, 99.9 % and full. */
export function level(pct: number | null): Cell['level'] {
  if (pct === null) return 'none';
  return pct >= 99.9 ? 'a5' : pct >= 99 ? 'a4' : pct >= 95 ? 'a3' : pct >= 80 ? 'a2' : 'a1';
}

export function availabilityView(report: Report, unit: BucketUnit, it: Pick<I18n, 'lang' | 't'>) {
  const locale = it.lang === 'de' ? 'de-AT' : 'en-GB';
  const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const pct = (v: number | null) => (v === null ? it.t('reports.noData') : `${num.format(v)} %`);
  const duration = (ms: number) => {
    if (ms <= 0) return '–';
    const m = Math.round(ms / 60_000);
    return m >= 60 ? it.t('reports.duration.hm', { h: Math.floor(m / 60), m: m % 60 }) : it.t('reports.duration.m', { m });
  };
  const labels = new Map<string, Intl.DateTimeFormat>();
  const label = (ms: number, zone: string) => {
    let f = labels.get(zone);
    if (!f) {
      const hour = unit === 'hour' ? ({ hour: '2-digit', minute: '2-digit' } as const) : {};
      f = new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: 'short', day: 'numeric', month: 'numeric', ...hour });
      labels.set(zone, f);
    }
    return f.format(ms);
  };
  const zones = new Map(report.groups.map((g) => [g.id, g.timezone]));
  const names = new Map(report.groups.map((g) => [g.id, g.name ?? it.t('reports.unassigned')]));
  const figures = (f: Figures & { allHours: Figures; scheduledHours: Figures }) => ({
    all: pct(f.allHours.availabilityPct),
    scheduled: pct(f.scheduledHours.availabilityPct),
    level: level(f.availabilityPct),
    incidents: f.incidents,
    longest: duration(f.longestOutageMs),
  });
  const cells = (buckets: Bucket[], zone: string): Cell[] =>
    buckets.map((b) => ({ level: level(b.availabilityPct), title: it.t('reports.cell', { when: label(b.start, zone), value: pct(b.availabilityPct) }) }));
  return {
    groups: report.groups.map((g) => ({ id: g.id, name: names.get(g.id)!, clients: g.clients, ...figures(g) })),
    screens: report.clients.slice(0, SHOWN_SCREENS).map((c) => ({
      uuid: c.uuid,
      name: c.name,
      group: names.get(c.groupId) ?? '',
      ...figures(c),
      cells: cells(c.buckets, zones.get(c.groupId) ?? 'UTC'),
    })),
    total: report.clients.length,
  };
}
