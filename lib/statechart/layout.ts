/**
 * Chart graph → positioned diagram, laid out by ELK (elkjs 0.12.1, its bundled build run
 * in-process: no worker thread, no service). Compound states are ELK nodes with children, parallel
 * states too (their regions are children side by side); each transition to each target is one ELK
 * edge placed in the container ELK expects (the lowest common ancestor). Every coordinate comes back
 * absolute (`elk.json.*Coords: ROOT`), so drawing needs no offsets.
 *
 * ELK is loaded on first use (1.6 MB of code the server does not need until someone opens a
 * diagram), and a machine's layout never changes while the process runs: callers cache it.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { clip } from './labels.ts';
import type { Chart, ChartState, ChartTransition } from './graph.ts';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedState extends Box {
  state: ChartState;
  /** Lines drawn under the name: invoked actors and internal (targetless) transitions. */
  lines: Array<{ text: string; transition?: ChartTransition }>;
}

/**
 * One drawn arrow: the transitions from one source to one target under the same guard, merged
 * (`HEARTBEAT · HEALTH`), so a region reacting to several events does not draw a fan of arrows.
 */
export interface PlacedEdge {
  transitions: ChartTransition[];
  source: string;
  target: string;
  /** Polyline: start, bend points, end. */
  points: Array<{ x: number; y: number }>;
  label: (Box & { lines: string[] }) | null;
}

export interface Diagram {
  chart: Chart;
  width: number;
  height: number;
  states: PlacedState[];
  edges: PlacedEdge[];
}

// Text metrics (the SVG uses 12 px / 13 px fonts from inspector.css; a generous estimate per char).
export const CHAR_W = 7.2;
export const LINE_H = 16;
const TITLE_H = 24;
const PAD = 10;

type ElkCtor = new () => { layout(graph: ElkNode): Promise<ElkNode> };
let elkInstance: Promise<{ layout(graph: ElkNode): Promise<ElkNode> }> | null = null;

function elk() {
  elkInstance ??= import('elkjs/lib/elk.bundled.js').then((m) => {
    const Ctor = ((m as { default?: unknown }).default ?? m) as ElkCtor;
    return new Ctor();
  });
  return elkInstance;
}

const textWidth = (s: string) => Math.ceil(s.length * CHAR_W);

/** Edge label lines: the events (wrapped), then the guard in brackets. */
export function edgeLabelLines(ts: ChartTransition[]): string[] {
  const lines: string[] = [];
  for (const label of [...new Set(ts.map((t) => t.label))]) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + label.length + 3 <= 30) lines[last] += ` · ${label}`;
    else lines.push(label);
  }
  return ts[0].guard ? [...lines, `[${clip(ts[0].guard)}]`] : lines;
}

function internalLine(t: ChartTransition): string {
  return `${t.label}${t.guard ? ` [${clip(t.guard, 32)}]` : ''}`;
}

export async function layoutChart(chart: Chart): Promise<Diagram> {
  const internal = new Map<string, ChartTransition[]>();
  const external: ChartTransition[] = [];
  for (const t of chart.transitions) {
    if (t.targets.length === 0) internal.set(t.source, [...(internal.get(t.source) ?? []), t]);
    else external.push(t);
  }
  const linesOf = (s: ChartState) => [
    ...s.invokes.map((src) => ({ text: `invoke ${src}` })),
    ...(internal.get(s.id) ?? []).map((t) => ({ text: internalLine(t), transition: t })),
  ];

  const nodes = new Map<string, ElkNode>();
  const build = (s: ChartState): ElkNode => {
    const lines = linesOf(s);
    const header = TITLE_H + lines.length * LINE_H;
    const minW = Math.max(textWidth(s.key) + 2 * PAD + 16, ...lines.map((l) => textWidth(l.text) + 2 * PAD), 64);
    const node: ElkNode = { id: s.id, edges: [] };
    if (s.children.length) {
      node.children = s.children.map(build);
      node.layoutOptions = {
        'elk.padding': `[top=${header + PAD},left=${PAD},bottom=${PAD},right=${PAD}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${minW}, ${header + 2 * PAD})`,
        // Regions of a parallel state stand side by side, each a box of its own.
        ...(s.type === 'parallel' ? { 'elk.direction': 'RIGHT' } : {}),
      };
    } else {
      node.width = minW;
      node.height = Math.max(header + 6, 34);
    }
    nodes.set(s.id, node);
    return node;
  };
  const root = build(chart.root);

  const ancestors = (id: string): string[] => {
    const out: string[] = [];
    for (let s = chart.states.get(id); s; s = s.parent ? chart.states.get(s.parent) : undefined) out.push(s.id);
    return out;
  };
  // ELK's container of an edge: the lowest common ancestor, where a state counts as its own
  // ancestor only towards its descendants (an edge from a parent to its child lives in the parent).
  const container = (a: string, b: string): string => {
    if (a === b) return chart.states.get(a)!.parent ?? a;
    const up = new Set(ancestors(a));
    for (const id of ancestors(b)) if (up.has(id)) return id;
    return chart.root.id;
  };

  const merged = new Map<string, { transitions: ChartTransition[]; source: string; target: string }>();
  for (const t of external)
    for (const target of t.targets) {
      const key = `${t.source}\u0000${target}\u0000${t.guard ?? ''}\u0000${t.reenter}`;
      const m = merged.get(key);
      if (m) m.transitions.push(t);
      else merged.set(key, { transitions: [t], source: t.source, target });
    }
  const byElkId = new Map<string, { transitions: ChartTransition[]; source: string; target: string }>();
  let n = 0;
  for (const m of merged.values()) {
    const lines = edgeLabelLines(m.transitions);
    const id = `e${n++}`;
    byElkId.set(id, m);
    const edge: ElkExtendedEdge = {
      id,
      sources: [m.source],
      targets: [m.target],
      labels: [{ text: lines.join('\n'), width: Math.max(...lines.map(textWidth)) + 6, height: lines.length * LINE_H }],
    };
    nodes.get(container(m.source, m.target))!.edges!.push(edge);
  }

  root.layoutOptions = {
    ...root.layoutOptions,
    'elk.algorithm': 'layered',
    'elk.direction': chart.root.type === 'parallel' ? 'RIGHT' : 'DOWN',
    'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
    'elk.layered.spacing.nodeNodeBetweenLayers': '40',
    'elk.spacing.nodeNode': '28',
    'elk.spacing.edgeLabel': '4',
    'elk.edgeLabels.inline': 'false',
    'elk.json.shapeCoords': 'ROOT',
    'elk.json.edgeCoords': 'ROOT',
    // States in the order the machine declares them (parallel regions too).
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  };

  const out = await (await elk()).layout(root);

  const states: PlacedState[] = [];
  const edges: PlacedEdge[] = [];
  const collect = (node: ElkNode) => {
    const state = chart.states.get(node.id)!;
    states.push({ state, x: node.x ?? 0, y: node.y ?? 0, width: node.width ?? 0, height: node.height ?? 0, lines: linesOf(state) });
    for (const e of node.edges ?? []) {
      const meta = byElkId.get(e.id)!;
      const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
      const l = e.labels?.[0];
      edges.push({
        ...meta,
        points,
        label: l ? { x: l.x ?? 0, y: l.y ?? 0, width: l.width ?? 0, height: l.height ?? 0, lines: (l.text ?? '').split('\n') } : null,
      });
    }
    for (const c of node.children ?? []) collect(c);
  };
  collect(out);
  return { chart, width: Math.ceil(out.width ?? 0), height: Math.ceil(out.height ?? 0), states, edges };
}
