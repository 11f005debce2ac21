/**
 * Positioned diagram → SVG markup. Looks come from classes (views/static/inspector.css): the
 * dashboard's CSP forbids inline styles, so there is no `style=` anywhere; geometry is attributes.
 * Every state is a `<g data-state="<state id>">` and every transition a
 * `<g data-transition="<transition ids>">` (one arrow may carry several transitions with the same
 * source, target and guard; an internal one is a line in its state's box), so tests
 * find them by id and the browser moves the highlight by toggling `is-active` (inspector.js).
 * All text is escaped: a machine is our code, but nothing here trusts it.
 */
import type { Diagram, PlacedEdge, PlacedState } from './layout.ts';
import { LINE_H } from './layout.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (n: number) => String(Math.round(n * 10) / 10);

export interface SvgOptions {
  /** State ids to highlight (all active states, ancestors included). */
  active?: ReadonlySet<string>;
  /** Accessible name of the picture. */
  title?: string;
}

export function renderSvg(d: Diagram, opts: SvgOptions = {}): string {
  const active = opts.active ?? new Set<string>();
  const initials = new Set<string>();
  for (const s of d.chart.states.values()) if (s.initial) initials.add(s.initial);
  const regionParents = new Set([...d.chart.states.values()].filter((s) => s.type === 'parallel').map((s) => s.id));

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-machine="${esc(d.chart.machineId)}" viewBox="0 0 ${d.width + 2} ${d.height + 2}" width="${d.width + 2}" height="${d.height + 2}" role="img" aria-label="${esc(opts.title ?? d.chart.machineId)}">`,
    '<defs><marker id="chart-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="chart-arrowhead"/></marker></defs>',
    '<g class="chart-states">',
  );
  for (const p of d.states) parts.push(stateMarkup(p, active.has(p.state.id), initials.has(p.state.id), p.state.parent !== null && regionParents.has(p.state.parent)));
  parts.push('</g><g class="chart-edges">');
  for (const e of d.edges) parts.push(edgeMarkup(e));
  parts.push('</g></svg>');
  return parts.join('');
}

function stateMarkup(p: PlacedState, isActive: boolean, isInitial: boolean, isRegion: boolean): string {
  const s = p.state;
  const cls = ['st', `st-${s.type}`, isRegion ? 'st-region' : '', isInitial ? 'is-initial' : '', isActive ? 'is-active' : ''].filter(Boolean).join(' ');
  const out: string[] = [`<g class="${cls}" id="s:${esc(s.id)}" data-state="${esc(s.id)}"><title>${esc(s.id)}</title>`];
  out.push(`<rect class="st-box" x="${num(p.x)}" y="${num(p.y)}" width="${num(p.width)}" height="${num(p.height)}" rx="8"/>`);
  if (s.type === 'final')
    out.push(`<rect class="st-final-ring" x="${num(p.x + 3)}" y="${num(p.y + 3)}" width="${num(p.width - 6)}" height="${num(p.height - 6)}" rx="6"/>`);
  let textX = p.x + 10;
  if (isInitial) {
    out.push(`<circle class="st-initial-dot" cx="${num(p.x + 12)}" cy="${num(p.y + 16)}" r="4"/>`);
    textX += 12;
  }
  out.push(`<text class="st-name" x="${num(textX)}" y="${num(p.y + 20)}">${esc(s.key)}</text>`);
  p.lines.forEach((l, i) => {
    const y = num(p.y + 20 + (i + 1) * LINE_H);
    if (l.transition)
      out.push(`<text class="st-line tr-internal" id="t:${esc(l.transition.id)}" data-transition="${esc(l.transition.id)}" x="${num(p.x + 10)}" y="${y}">${esc(l.text)}</text>`);
    else out.push(`<text class="st-line" x="${num(p.x + 10)}" y="${y}">${esc(l.text)}</text>`);
  });
  out.push('</g>');
  return out.join('');
}

function edgeMarkup(e: PlacedEdge): string {
  const first = e.transitions[0];
  const ids = e.transitions.map((t) => t.id).join(' ');
  const tip = `${e.transitions.map((t) => t.label).join(', ')}${first.guard ? ` [${first.guard}]` : ''} → ${e.target}`;
  const cls = ['tr', first.delay !== null ? 'tr-delayed' : '', first.event === '' ? 'tr-always' : ''].filter(Boolean).join(' ');
  const out: string[] = [
    `<g class="${cls}" id="e:${esc(first.id)}>${esc(e.target)}" data-transition="${esc(ids)}" data-source="${esc(e.source)}" data-target="${esc(e.target)}"><title>${esc(tip)}</title>`,
  ];
  if (e.points.length >= 2) {
    const d = e.points.map((pt, i) => `${i ? 'L' : 'M'}${num(pt.x)},${num(pt.y)}`).join('');
    out.push(`<path class="tr-path" d="${d}" marker-end="url(#chart-arrow)"/>`);
  }
  const l = e.label;
  if (l) {
    out.push(`<rect class="tr-label-bg" x="${num(l.x)}" y="${num(l.y)}" width="${num(l.width)}" height="${num(l.height)}" rx="3"/>`);
    const guardLine = first.guard ? l.lines.length - 1 : -1;
    l.lines.forEach((line, i) =>
      out.push(`<text class="tr-label${i === guardLine ? ' tr-guard' : ''}" x="${num(l.x + 3)}" y="${num(l.y + 12 + i * LINE_H)}">${esc(line)}</text>`),
    );
  }
  out.push('</g>');
  return out.join('');
}
