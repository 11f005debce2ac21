import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { and, createMachine, not, setup, stateIn, type AnyStateMachine } from 'xstate';
import { chartOf, activeStateIds } from './graph.ts';
import { layoutChart } from './layout.ts';
import { renderSvg } from './svg.ts';
import { machineJson } from './machine-json.ts';
import { svgFor } from './index.ts';
import { guardLabel } from './labels.ts';
import { clientMachine } from '../../actors/client.machine.ts';
import { commandMachine } from '../../actors/command.machine.ts';
import { bulkRunMachine } from '../../actors/bulk-run.machine.ts';
import { schedulerMachine } from '../../actors/scheduler.machine.ts';

/** Every `data-state` and every transition id of `data-transition` in an SVG. */
function idsIn(svg: string) {
  const states = new Set([...svg.matchAll(/data-state="([^"]*)"/g)].map((m) => m[1]));
  const transitions = new Set([...svg.matchAll(/data-transition="([^"]*)"/g)].flatMap((m) => m[1].split(' ')));
  return { states, transitions };
}

const unescape = (s: string) => s.replace(/&#(\d+);/g, (_m, n) => String.fromCharCode(Number(n)));

async function drawnCompletely(machine: AnyStateMachine) {
  const chart = chartOf(machine);
  const svg = renderSvg(await layoutChart(chart));
  const { states, transitions } = idsIn(unescape(svg));
  for (const id of chart.states.keys()) assert.ok(states.has(id), `${machine.id}: state ${id} drawn`);
  for (const t of chart.transitions) assert.ok(transitions.has(t.id), `${machine.id}: transition ${t.id} drawn`);
  assert.not.match(svg, /style=/, 'no inline styles (CSP)');
  return { chart, svg };
}

test('every machine of the server: every state and every transition of the definition is in its SVG', async () => {
  for (const m of [clientMachine, commandMachine, bulkRunMachine, schedulerMachine] as AnyStateMachine[]) {
    const { chart } = await drawnCompletely(m);
    assert.ok(chart.states.size > 3 && chart.transitions.length > 3, `${m.id} has a real chart`);
  }
});

test('the client machine: parallel regions drawn as regions, initial states marked, delays and guards labelled', async () => {
  const { chart, svg } = await drawnCompletely(clientMachine as AnyStateMachine);
  assert.is(chart.root.type, 'parallel');
  assert.match(svg, /<g class="st st-parallel[^"]*" id="s:client" data-state="client">/);
  for (const region of chart.root.children) {
    assert.match(svg, new RegExp(`<g class="st st-compound st-region[^"]*" id="s:${region.id}"`), `${region.id} is a region`);
    const initial = chart.states.get(region.initial!)!;
    assert.match(svg, new RegExp(`<g class="st [^"]*is-initial[^"]*" id="s:${initial.id.replace(/\./g, '\\.')}"`), `${initial.id} is initial`);
  }
  assert.match(svg, /after grace/, 'the grace timer is an `after` delay');
  assert.match(svg, /graceOver/, 'guards are shown');
  const t = chart.transitions.find((x) => x.source === 'client.connectivity.online' && x.delay === 'grace')!;
  assert.equal(t.targets, ['client.connectivity.offline']);
});

test('a machine defined here shows up without code changes elsewhere; nesting, final, always, composed guards', async () => {
  const m = setup({
    guards: { ready: () => true },
    delays: { soon: 1500 },
  }).createMachine({
    id: 'door',
    initial: 'closed',
    states: {
      closed: { on: { OPEN: { target: 'opened', guard: and(['ready', not(stateIn('#door.broken'))]) } } },
      opened: {
        initial: 'swinging',
        states: { swinging: { after: { soon: 'still' } }, still: { always: { target: '#door.gone', guard: 'ready' } } },
        on: { SLAM: '#door.broken', LOG: { actions: () => {} } },
      },
      broken: { after: { 60000: 'closed' } },
      gone: { type: 'final' },
    },
  });
  const { chart, svg } = await drawnCompletely(m);
  assert.equal([...chart.states.keys()], ['door', 'door.closed', 'door.opened', 'door.opened.swinging', 'door.opened.still', 'door.broken', 'door.gone']);
  assert.match(svg, /after soon/);
  assert.match(svg, /after 1 min/);
  assert.match(svg, />always</);
  assert.match(svg, /ready &#38;&#38; !in\(broken\)/, 'composed guard spelled out (escaped)');
  assert.match(svg, /class="st st-final[^"]*" id="s:door.gone"/);
  assert.match(svg, /class="st-line tr-internal" id="t:door.opened\|LOG\|0"/, 'a targetless transition is a line in its state');
  assert.is(guardLabel(and(['a', { type: 'b', params: { x: 1 } }])), 'a && b(1)');
});

test('highlight: the active states of a value, ancestors included, get `is-active`', async () => {
  const chart = chartOf(clientMachine as AnyStateMachine);
  const active = activeStateIds(chart, { connectivity: 'online', process: 'crashed' });
  assert.ok(active.has('client') && active.has('client.process') && active.has('client.process.crashed'));
  const svg = await svgFor(clientMachine as AnyStateMachine, { connectivity: 'online', process: 'crashed' });
  assert.match(svg, /<g class="st st-atomic is-active" id="s:client.process.crashed"/);
  assert.not.match(svg, /<g class="st st-atomic[^"]*is-active[^"]*" id="s:client.process.running"/);
});

test('machine JSON for Stately: it is a valid createMachine config with the same states and transitions', () => {
  for (const m of [clientMachine, commandMachine, bulkRunMachine, schedulerMachine] as AnyStateMachine[]) {
    const chart = chartOf(m);
    const json = machineJson(chart);
    const again = chartOf(createMachine(JSON.parse(JSON.stringify(json))));
    assert.equal([...again.states.keys()], [...chart.states.keys()], `${m.id}: states`);
    assert.is(again.transitions.length, chart.transitions.length, `${m.id}: transitions`);
    const pairs = (c: typeof chart) => c.transitions.map((t) => `${t.source}>${t.targets.join(',')}`).sort();
    assert.equal(pairs(again), pairs(chart), `${m.id}: same sources and targets`);
  }
});

test.run();
