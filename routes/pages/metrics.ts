/**
 * The activity chart: messages, commands and errors per minute over the
 * last hour, drawn on the server as SVG (three small bar rows, each on its own scale so a handful
 * of errors is not flattened by thousands of messages). Colours come from classes in
 * fieldwork.css: the CSP forbids inline style attributes. It is updated live over the page's
 * existing stream: `withActivityChart` wraps a page's StreamView and adds the chart to the
 * resync and to every batch after the counters moved (lib/metrics.ts ticks on the bus).
 */
import type { ActivityMetrics, MetricKind, MetricsSnapshot } from '../../lib/metrics.ts';
import type { Lang } from '../../views/i18n/index.ts';
import { detachedContext, partial } from '../../views/render.ts';
import { cached } from './live-hub.ts';
import { hxPartial } from './hx.ts';
import type { Viewer } from './live-views.ts';
import type { StreamView } from './sse.ts';

export const CHART_WIDTH = 600; // viewBox units: 10 per minute of a 60-minute window
export const CHART_HEIGHT = 40;

export interface ChartBar {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Minute start (ISO) and value, for the bar's tooltip. */
  title: string;
}

export interface ChartRow {
  kind: MetricKind;
  now: string;
  peak: string;
  total: string;
  /** Raw numbers for the accessible summary. */
  peakN: number;
  totalN: number;
  bars: ChartBar[];
}

export interface ActivityChart {
  width: number;
  height: number;
  rows: ChartRow[];
}

const KINDS: MetricKind[] = ['messages', 'commands', 'errors'];

export function activityChart(s: MetricsSnapshot, lang: Lang): ActivityChart {
  const fmt = new Intl.NumberFormat(lang === 'de' ? 'de-AT' : 'en-GB');
  const time = new Intl.DateTimeFormat(lang === 'de' ? 'de-AT' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
  const slot = CHART_WIDTH / s.minutes.length;
  const rows = KINDS.map((kind): ChartRow => {
    let peak = 0;
    for (const m of s.minutes) peak = Math.max(peak, m[kind]);
    const bars: ChartBar[] = [];
    s.minutes.forEach((m, i) => {
      const v = m[kind];
      if (v <= 0) return;
      const h = Math.max(1.5, (v / peak) * (CHART_HEIGHT - 2)); // a single event stays visible
      bars.push({ x: round(i * slot + 1), y: round(CHART_HEIGHT - h), w: round(slot - 2), h: round(h), title: `${time.format(m.at)}: ${fmt.format(v)}` });
    });
    const current = s.minutes.at(-1)?.[kind] ?? 0;
    return { kind, now: fmt.format(current), peak: fmt.format(peak), total: fmt.format(s.totals[kind]), peakN: peak, totalN: s.totals[kind], bars };
  });
  return { width: CHART_WIDTH, height: CHART_HEIGHT, rows };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The chart fragment in a viewer's language (the live stream's swap). */
export function chartFragment(metrics: ActivityMetrics, lang: Lang, now: number): string {
  const it = detachedContext(lang, null, now);
  return partial('activity-chart', { ...it, chart: activityChart(metrics.snapshot(), lang) });
}

/**
 * Adds the chart to a page's live stream: sent on (re)sync and with the first batch after each
 * metrics tick (the `metrics` bus event), rendered once per batch per language.
 */
export function withActivityChart(view: StreamView, metrics: ActivityMetrics | undefined, v: Viewer, now: () => number): StreamView {
  if (!metrics) return view;
  let sentAt = -1; // metrics.ticks when this browser last got the chart
  const frame = (html: string) => ({ data: hxPartial('#activity', 'outerHTML', html) });
  return {
    resync: async () => {
      sentAt = metrics.ticks;
      return [...(await view.resync()), frame(chartFragment(metrics, v.lang, now()))];
    },
    prime: view.prime ? () => view.prime!() : undefined,
    update: async (b) => {
      const frames = await view.update(b);
      if (metrics.ticks === sentAt) return frames;
      sentAt = metrics.ticks;
      return [...frames, frame(cached(b, `chart|${v.lang}`, () => chartFragment(metrics, v.lang, now())))];
    },
  };
}
