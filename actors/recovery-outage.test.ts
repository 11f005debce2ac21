/**
 * Crash recovery while a broker/network outage is suspected (docs/commands.md "Crash auto-recovery",
 * docs/clients-screens.md "Outage alerts"): the whole fleet going silent is not eleven device crashes.
 * Wired as in runtime.ts (Supervisor → RecoveryRequests → the real CommandRegistry → alert centre's
 * rule for command outcomes), on a simulated clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import type { RecoveryPolicy } from './client.recovery.ts';
import { EventBus, type BusEvent } from '../lib/bus.ts';
import { commandAlert } from '../services/alerts/center.ts';
import { setQuiet } from '../lib/logger.ts';
import { wireRecovery } from '../testing/recovery-wiring.ts';

setQuiet(true);
const S = 1000;
const MIN = 60_000;
const GRACE = 170 * S;
const POLICY: RecoveryPolicy = { enabled: true, graceMs: 180 * S, lockoutMs: 15 * MIN, expiryMs: 240 * S };
const FLEET = Array.from({ length: 11 }, (_, i) => `0ca9e000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`);
const turn = () => new Promise((r) => setImmediate(r));

function wire() {
  const clock = new SimulatedClock();
  clock.set(Date.UTC(2026, 3, 3, 8, 0, 0));
  const bus = new EventBus();
  const alerts: Array<{ kind: string; severity: string; uuid?: string; at?: number }> = [];
  bus.on((e: BusEvent) => {
    if (e.type === 'alert') alerts.push({ kind: e.kind, severity: e.severity, uuid: e.uuid, at: e.at });
    if (e.type === 'command') {
      const a = commandAlert(e);
      if (a) alerts.push({ kind: a.event.kind, severity: a.event.severity, uuid: a.event.uuid });
    }
  });
  const { sup, reg, requests, created } = wireRecovery({ clock, bus, policy: POLICY, graceMs: GRACE, cancel: true });
  requests.attach(reg);
  const health = (uuid: string) => {
    sup.send(uuid, { type: 'HEALTH', at: clock.now(), processStatus: 'running' });
    reg.clientSeen(uuid, 'health', clock.now());
  };
  /** Simulated time passes in 1 s steps (the registry's publish promises settle in between). */
  const pass = async (ms: number, each?: () => void) => {
    for (let t = 0; t < ms; t += S) {
      each?.();
      clock.increment(S);
      await turn();
    }
  };
  return { clock, sup, reg, created, alerts, health, pass };
}

test('the whole fleet goes silent: outage suspected, no reboot_host, no on-site alerts; afterwards a fresh grace period', async () => {
  const w = wire();
  // Every screen reports every 65 s (heartbeat window), staggered: the real fleet's spread.
  const lastSent = new Map<string, number>();
  const talk = (uuids: string[]) => () => {
    for (const uuid of uuids) {
      if (w.clock.now() >= (lastSent.get(uuid) ?? 0) + 65 * S) (lastSent.set(uuid, w.clock.now()), w.health(uuid));
    }
  };
  for (const [i, uuid] of FLEET.entries()) (w.health(uuid), lastSent.set(uuid, w.clock.now() - i * 6 * S));
  await w.pass(3 * MIN, talk(FLEET));
  assert.is(w.sup.onlineCount, FLEET.length);

  // The broker (or the network) goes away: nobody reports for 30 minutes.
  await w.pass(30 * MIN);
  assert.ok(w.sup.outageSuspected, 'outage suspected');
  assert.equal(w.alerts.filter((a) => a.kind === 'outage-suspected').length, 1);
  assert.equal(
    w.created.map((c) => [c.clientUuid, c.action, c.status]),
    [],
    'no recovery command while the fleet is silent',
  );
  assert.equal(w.alerts.filter((a) => a.severity === 'critical' && a.kind !== 'outage-suspected'), [], 'no on-site visit alerts');
  assert.ok(FLEET.every((u) => w.sup.get(u)!.recoveryState === 'idle'));

  // Back: all but two screens report again; the outage is over.
  const back = FLEET.slice(2);
  for (const uuid of back) lastSent.delete(uuid);
  await w.pass(70 * S, talk(back));
  assert.not.ok(w.sup.outageSuspected, 'outage resolved');
  const resolvedAt = w.alerts.find((a) => a.kind === 'outage-resolved')!.at!;
  // The two still silent get a fresh grace period from the end of the outage, not at once.
  await w.pass(resolvedAt + POLICY.graceMs - S - w.clock.now(), talk(back));
  assert.equal(w.created, [], 'nothing within the fresh grace period');
  await w.pass(2 * MIN, talk(back));
  assert.equal(
    w.created.map((c) => [c.clientUuid, c.action, c.reason, c.requestedBy]).sort(),
    FLEET.slice(0, 2).map((u) => [u, 'reboot_host', 'heartbeat_stale', null]),
  );
  assert.ok(w.created.every((c) => c.createdAt >= resolvedAt + POLICY.graceMs));
  w.sup.stop();
  w.reg.stop();
});

test('a single silent screen still gets reboot_host (heartbeat_stale) after the grace', async () => {
  const w = wire();
  for (const uuid of FLEET) w.health(uuid);
  const others = () => FLEET.slice(1).forEach(w.health);
  await w.pass(10 * MIN, others);
  assert.not.ok(w.sup.outageSuspected);
  assert.equal(w.created.map((c) => [c.clientUuid, c.action, c.reason]), [[FLEET[0], 'reboot_host', 'heartbeat_stale']]);
  w.sup.stop();
  w.reg.stop();
});

test.run();
