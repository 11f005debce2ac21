/** Alert sources besides offline (docs/notifications.md "Alert kinds"): each opens and resolves through the engine. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { EventBus } from '../../lib/bus.ts';
import type { LevelCounts } from '../../db/logs.ts';
import { NotificationEngine } from './engine.ts';
import { AlertSources, type ClientView } from './sources.ts';
import type { Notice, Rule } from '../../domain/notifications.ts';

const T0 = Date.parse('2025-03-10T08:00:00Z');
const rule: Rule = { id: 1, channelId: 1, kinds: null, minSeverity: 'warning', groupIds: null, delaySeconds: 0, notifyResolved: true, repeatSeconds: null, respectSchedule: true, quietHours: null, createdAt: 0 };

function setup() {
  const clock = new SimulatedClock();
  clock.set(T0);
  const bus = new EventBus();
  const sent: Notice[] = [];
  const clients = new Map<string, ClientView>([['u1', { name: 'Lobby', groupId: 1, offline: false, serviceFailed: false, waitingManual: false }]]);
  const logs: { counts: Record<string, LevelCounts> } = { counts: {} };
  const engine = new NotificationEngine({ clock, send: (_c, _r, n) => sent.push(n), persist: () => {}, client: (u) => clients.get(u) });
  engine.setRules([rule], [{ id: 1, name: 'ops', type: 'webhook', target: '', language: 'en', rateCap: 100, enabled: true, createdAt: 0 }]);
  const sources = new AlertSources({ bus, engine, client: (u) => clients.get(u), clients: () => clients.entries(), logCounts: async () => logs.counts, now: () => clock.now() });
  const summary = () => sent.map((n) => n.alerts.map((a) => `${a.status}/${a.kind}`).join(','));
  return { clock, bus, sent, clients, logs, sources, summary };
}

test('ERROR/WARN over the threshold (ERROR > 0 or WARN > 5 in 24 h) fires once and resolves when it drops', async () => {
  const h = setup();
  h.logs.counts = { u1: { ERROR: 0, WARN: 5, INFO: 9 } };
  await h.sources.checkLogs();
  assert.equal(h.sent, []);
  h.logs.counts = { u1: { ERROR: 0, WARN: 6, INFO: 9 } };
  await h.sources.checkLogs();
  await h.sources.checkLogs(); // still over: no second message
  assert.equal(h.summary(), ['firing/client-logs']);
  assert.equal(h.sent[0].alerts[0].params, { name: 'Lobby', errors: '0', warns: '6' });
  h.logs.counts = {};
  await h.sources.checkLogs();
  assert.equal(h.summary(), ['firing/client-logs', 'resolved/client-logs']);
});

test('service_failed fires; the service running again resolves it', () => {
  const h = setup();
  h.clients.get('u1')!.serviceFailed = true;
  h.bus.emit({ type: 'alert', kind: 'service-failed', severity: 'critical', message: 'Lobby: service infoscreen.service failed', uuid: 'u1', at: T0 });
  assert.equal(h.sent[0].alerts[0].params.unit, 'infoscreen.service');
  h.sources.check();
  assert.equal(h.summary(), ['firing/service-failed']);
  h.clients.get('u1')!.serviceFailed = false;
  h.sources.check();
  assert.equal(h.summary(), ['firing/service-failed', 'resolved/service-failed']);
});

test('crash recovery waiting for a person fires and resolves; manual intervention and failed commands are news once', () => {
  const h = setup();
  h.clients.get('u1')!.waitingManual = true;
  h.sources.check();
  h.sources.check();
  h.clients.get('u1')!.waitingManual = false;
  h.sources.check();
  h.bus.emit({ type: 'command', commandId: 'c1', uuid: 'u1', action: 'reboot_host', from: 'execution_started', to: 'manual_intervention_required', at: T0 });
  h.bus.emit({ type: 'command', commandId: 'c2', uuid: 'u1', action: 'restart_app', from: 'sent', to: 'timed_out', at: T0 });
  h.bus.emit({ type: 'command', commandId: 'c3', uuid: 'u1', action: 'restart_app', from: 'sent', to: 'completed', at: T0 });
  assert.equal(h.summary(), ['firing/recovery-escalated', 'resolved/recovery-escalated', 'firing/command-manual', 'firing/command-failed']);
});

test('fleet threshold: success below 80 % with more than 10 commands in the last hour; resolved when the window recovers', () => {
  const h = setup();
  const outcome = (i: number, to: string) => h.bus.emit({ type: 'command', commandId: `k${i}`, uuid: 'u1', action: 'restart_app', from: 'sent', to, at: h.clock.now() });
  for (let i = 0; i < 8; i++) outcome(i, 'completed');
  for (let i = 8; i < 10; i++) outcome(i, 'expired');
  h.sources.check(); // 10 commands: not more than 10
  for (let i = 10; i < 12; i++) outcome(i, 'failed');
  h.sent.length = 0; // (the failed commands themselves are news once)
  h.sources.check(); // 12, 8 ok = 67 %
  assert.equal(h.summary(), ['firing/fleet-commands']);
  assert.equal(h.sent[0].alerts[0].params.rate, '67');
  h.clock.increment(3_600_000);
  h.sources.check();
  assert.equal(h.summary(), ['firing/fleet-commands', 'resolved/fleet-commands']);
});

test.run();
