/** The recent-events ring (lib/recent-events.ts) on a real bus: what it keeps, newest first, bounded. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from './bus.ts';
import { RecentEvents } from './recent-events.ts';

const U = '11111111-1111-4111-8111-111111111111';

test('keeps status changes, issued and settled commands, alerts; drops freshness and intermediate stages', () => {
  const bus = new EventBus();
  const recent = new RecentEvents(bus, 10);
  bus.emit({ type: 'client-seen', uuid: U, lastAlive: 1 });
  bus.emit({ type: 'client-status', uuid: U, status: 'offline', previous: 'healthy', reasons: ['offline'], at: 2 });
  const cmd = { type: 'command', commandId: 'c1', uuid: U, action: 'reboot_host', at: 3 } as const;
  bus.emit({ ...cmd, from: null, to: 'queued' });
  bus.emit({ ...cmd, from: 'queued', to: 'published', at: 4 });
  bus.emit({ ...cmd, from: 'published', to: 'failed', errorMessage: 'no ack', at: 5 });
  bus.emit({ type: 'metrics', at: 6 });
  bus.emit({ type: 'alert', kind: 'outage-suspected', severity: 'critical', message: 'outage', at: 7 });
  assert.equal(recent.list(), [
    { type: 'alert', at: 7, clientUuid: null, kind: 'outage-suspected', severity: 'critical', message: 'outage' },
    { type: 'command', at: 5, clientUuid: U, commandId: 'c1', action: 'reboot_host', status: 'failed', error: 'no ack' },
    { type: 'command', at: 3, clientUuid: U, commandId: 'c1', action: 'reboot_host', status: 'queued', error: null },
    { type: 'client-status', at: 2, clientUuid: U, status: 'offline', previous: 'healthy', reasons: ['offline'] },
  ]);
  assert.is(recent.list(2).length, 2);
  recent.close();
  bus.emit({ type: 'alert', kind: 'x', severity: 'info', message: 'after close', at: 8 });
  assert.is(recent.list()[0].at, 7, 'closed: no longer listening');
});

test('bounded: the oldest give way, newest first', () => {
  const bus = new EventBus();
  const recent = new RecentEvents(bus, 3);
  for (let at = 1; at <= 7; at++) bus.emit({ type: 'alert', kind: 'k', severity: 'info', message: `m${at}`, at });
  assert.equal(recent.list().map((e) => e.at), [7, 6, 5]);
});

test.run();
