/**
 * A chart as a `createMachine({...})` config (docs/inspector.md: "the JSON definition of the machine
 * ready to paste into Stately's editor"). XState's own `toJSON()` is its internal resolved form
 * (`order`, `source`, `eventType`, `xstate.after.*` event names, function guards dropped); this is
 * the authoring form: `initial`, `on`, `after`, `always`, `invoke` with `onDone`/`onError`,
 * absolute `#id` targets, guards and actions by name (implementations are not part of it).
 */
import type { Chart, ChartState, ChartTransition } from './graph.ts';

type Json = Record<string, unknown>;

function transitionJson(t: ChartTransition): Json {
  const out: Json = {};
  if (t.targets.length) out.target = t.targets.length === 1 ? `#${t.targets[0]}` : t.targets.map((id) => `#${id}`);
  if (t.guard) out.guard = t.guard;
  if (t.actions.length) out.actions = t.actions;
  if (t.reenter) out.reenter = true;
  return out;
}

function add(map: Json, key: string, t: ChartTransition): void {
  const list = (map[key] ??= []) as Json[];
  list.push(transitionJson(t));
}

/** One-element arrays become the single transition (what one would write by hand). */
function simplify(map: Json): Json {
  for (const [k, v] of Object.entries(map)) if (Array.isArray(v) && v.length === 1) map[k] = v[0];
  return map;
}

export function machineJson(chart: Chart): Json {
  const bySource = new Map<string, ChartTransition[]>();
  for (const t of chart.transitions) bySource.set(t.source, [...(bySource.get(t.source) ?? []), t]);

  const stateJson = (s: ChartState): Json => {
    const out: Json = s.parent === null ? { id: chart.machineId } : {};
    if (s.type === 'parallel' || s.type === 'final' || s.type === 'history') out.type = s.type;
    if (s.initial) out.initial = chart.states.get(s.initial)!.key;
    const on: Json = {};
    const after: Json = {};
    const always: Json = {};
    const invokes = new Map<string, Json>(); // invoke id → {src, id, onDone, onError}
    for (const t of bySource.get(s.id) ?? []) {
      const inv = /^xstate\.(done|error)\.actor\.(.+)$/.exec(t.event);
      if (t.delay !== null) add(after, t.delay, t);
      else if (t.event === '') add(always, 'always', t);
      else if (inv) {
        const entry = invokes.get(inv[2]) ?? { id: inv[2] };
        add(entry, inv[1] === 'done' ? 'onDone' : 'onError', t);
        invokes.set(inv[2], entry);
      } else if (t.event.startsWith('xstate.done.state.')) add(out, 'onDone', t);
      else add(on, t.event, t);
    }
    if (s.invokes.length) {
      const list = s.invokes.map((src, i) => {
        const match = [...invokes.values()].find((e) => String(e.id).startsWith(`${i}.`)) ?? {};
        return simplify({ src, ...match });
      });
      out.invoke = list.length === 1 ? list[0] : list;
    }
    if (Object.keys(on).length) out.on = simplify(on);
    if (Object.keys(after).length) out.after = simplify(after);
    if (always.always) out.always = (always.always as Json[]).length === 1 ? (always.always as Json[])[0] : always.always;
    if (out.onDone) simplify(out);
    if (s.children.length) out.states = Object.fromEntries(s.children.map((c) => [c.key, stateJson(c)]));
    return out;
  };
  return stateJson(chart.root);
}
