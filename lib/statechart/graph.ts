/**
 * Machine definition → chart graph (docs/inspector.md "The contract": the diagram is drawn from
 * the machine itself, so a change to a machine changes its picture). Walks XState's resolved state
 * nodes (not `toJSON()`, which drops function guards such as `and(...)`): every state with its
 * type, nesting and initial child; every transition with its event, guard, `after` delay and
 * targets. Transitions without a target (actions only) stay on their state as internal ones.
 */
import type { AnyStateMachine } from 'xstate';
import { delayLabel, eventLabel, guardLabel } from './labels.ts';

export type ChartStateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface ChartState {
  /** XState's state node id, e.g. `client.process.crashed`. */
  id: string;
  key: string;
  type: ChartStateType;
  /** Id of the initial child of a compound state. */
  initial: string | null;
  parent: string | null;
  children: ChartState[];
  /** Invoked actors (`src`), shown in the state box. */
  invokes: string[];
}

export interface ChartTransition {
  /** Stable id: `<source>|<event>|<n>` (n-th transition of that source for that event). */
  id: string;
  source: string;
  /** Target state ids; empty for a transition that only runs actions. */
  targets: string[];
  /** XState's event type ('' for an eventless `always` transition). */
  event: string;
  /** Event as shown: `HEALTH`, `after grace`, `done: publish`, `always`. */
  label: string;
  guard: string | null;
  /** `after` delay: a named delay or milliseconds. */
  delay: string | null;
  reenter: boolean;
  /** Action names (an inline function shows as `inline`). */
  actions: string[];
}

export interface Chart {
  machineId: string;
  root: ChartState;
  /** Every state by id, document order. */
  states: Map<string, ChartState>;
  transitions: ChartTransition[];
}

/* Minimal views of XState's StateNode / TransitionDefinition (their public types are generic-heavy). */
interface NodeLike {
  id: string;
  key: string;
  type: ChartStateType;
  states: Record<string, NodeLike>;
  initial?: { target?: Array<{ id: string }> };
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
  after: Array<{ eventType: string; delay: string | number }>;
  invoke: Array<{ id: string; src: unknown }>;
}
interface TransitionLike {
  eventType: string;
  target?: Array<{ id: string }>;
  guard?: unknown;
  reenter?: boolean;
  actions?: unknown[];
}

export function chartOf(machine: AnyStateMachine): Chart {
  const states = new Map<string, ChartState>();
  const transitions: ChartTransition[] = [];

  const visit = (node: NodeLike, parent: string | null): ChartState => {
    const invokes = node.invoke.map((i) => (typeof i.src === 'string' ? i.src : i.id));
    const state: ChartState = {
      id: node.id,
      key: node.key,
      type: node.type,
      initial: node.type === 'compound' ? (node.initial?.target?.[0]?.id ?? null) : null,
      parent,
      children: [],
      invokes,
    };
    states.set(state.id, state);
    const srcOf = new Map(node.invoke.map((i) => [i.id, typeof i.src === 'string' ? i.src : i.id]));
    const delays = new Map(node.after.map((a) => [a.eventType, String(a.delay)]));
    const all: TransitionLike[] = [...(node.always ?? [])];
    for (const list of node.transitions.values()) all.push(...list);
    const seen = new Map<string, number>();
    for (const t of all) {
      const n = seen.get(t.eventType) ?? 0;
      seen.set(t.eventType, n + 1);
      const delay = delays.get(t.eventType) ?? null;
      transitions.push({
        id: `${node.id}|${t.eventType}|${n}`,
        source: node.id,
        targets: (t.target ?? []).map((s) => s.id),
        event: t.eventType,
        label: delay !== null ? delayLabel(delay) : eventLabel(t.eventType, srcOf),
        guard: guardLabel(t.guard),
        delay,
        reenter: !!t.reenter,
        actions: (t.actions ?? []).map(actionName),
      });
    }
    for (const child of Object.values(node.states)) state.children.push(visit(child, node.id));
    return state;
  };

  const root = visit(machine.root as unknown as NodeLike, null);
  return { machineId: machine.id, root, states, transitions };
}

function actionName(a: unknown): string {
  if (typeof a === 'string') return a;
  if (typeof a === 'function') return (a as { type?: string }).type ?? 'inline';
  if (a && typeof a === 'object' && typeof (a as { type?: unknown }).type === 'string') return (a as { type: string }).type;
  return 'inline';
}

/** The ids of the active states of a state value (`{process: 'crashed'}` → `client`, `client.process`, `client.process.crashed`). */
export function activeStateIds(chart: Chart, value: unknown): Set<string> {
  const out = new Set<string>([chart.root.id]);
  const walk = (prefix: string, v: unknown) => {
    if (typeof v === 'string') {
      out.add(`${prefix}.${v}`);
      return;
    }
    if (v && typeof v === 'object')
      for (const [k, sub] of Object.entries(v)) {
        out.add(`${prefix}.${k}`);
        walk(`${prefix}.${k}`, sub);
      }
  };
  walk(chart.root.id, value);
  // Ids with `#custom` state ids would not follow the dotted path: keep only states that exist.
  for (const id of out) if (!chart.states.has(id)) out.delete(id);
  return out;
}
