/**
 * Statechart diagrams of XState machines: definition → graph (graph.ts) → ELK layout (layout.ts)
 * → SVG (svg.ts), plus the authoring JSON for Stately's editor (machine-json.ts). A machine's
 * layout is computed once per process and kept (machines do not change while it runs); drawing
 * with another highlight only re-renders the SVG string.
 */
import type { AnyStateMachine } from 'xstate';
import { activeStateIds, chartOf, type Chart } from './graph.ts';
import { layoutChart, type Diagram } from './layout.ts';
import { renderSvg } from './svg.ts';
import { machineJson } from './machine-json.ts';

export { activeStateIds, chartOf, machineJson, renderSvg };
export type { Chart, Diagram };

const diagrams = new WeakMap<AnyStateMachine, Promise<Diagram>>();
const charts = new WeakMap<AnyStateMachine, Chart>();

export function chartFor(machine: AnyStateMachine): Chart {
  let c = charts.get(machine);
  if (!c) charts.set(machine, (c = chartOf(machine)));
  return c;
}

export function diagramFor(machine: AnyStateMachine): Promise<Diagram> {
  let d = diagrams.get(machine);
  if (!d) {
    d = layoutChart(chartFor(machine));
    d.catch(() => diagrams.delete(machine)); // a failed layout is retried next time
    diagrams.set(machine, d);
  }
  return d;
}

/** The machine's SVG with the states of `value` (a snapshot's state value) highlighted. */
export async function svgFor(machine: AnyStateMachine, value?: unknown, title?: string): Promise<string> {
  const d = await diagramFor(machine);
  return renderSvg(d, { active: value === undefined ? undefined : activeStateIds(d.chart, value), title });
}
