/**
 * Both doors record (docs/http.md "Audit trail"): each dashboard form POST writes one audit row with
 * the JSON API's action name and target, the signed-in user and the request's address.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../../app.ts';
import { listAudit, type AuditEntry } from '../../db/audit.ts';
import { listAlerts } from '../../db/alerts.ts';
import { listEvents } from '../../db/events.ts';
import { listGroups } from '../../db/groups.ts';
import { json, UUID_A, UUID_B, UUID_C } from '../../testing/route-fixture.ts';
import { mediaKit, multipart, type MediaKit } from '../../testing/media-kit.ts';

const ADDRESS = '203.0.113.7';
const FROM = { incoming: { socket: { remoteAddress: ADDRESS } } }; // what @hono/node-server hands the app

let k: MediaKit;
let app: ReturnType<typeof createApp>;
const cookies: Record<'admin' | 'editor', string> = { admin: '', editor: '' };
const ids: Record<string, string> = {}; // what one case made and a later one acts on

test.before(async () => {
  k = await mediaKit({ allowed: ['pdf'] });
  // The commands, bulk runs and alerts of the fixture together with the media of the kit: one app, every form.
  app = createApp({
    config: k.config, db: k.db, writer: k.writer, fleet: k.fleet, screenshots: k.screenshots, bus: k.bus, commands: k.commands, bulkRuns: k.bulkRuns,
    brokerStatus: () => ({ connected: true }), now: () => k.clock.t, media: { service: k.service, files: k.files, signer: k.signer, conversions: k.queue }, ...k.parts,
  });
  cookies.admin = await k.login('admin');
  cookies.editor = await k.login('editor');
  k.fleet.put({ uuid: UUID_A, status: 'critical', serviceStatus: 'failed', serviceFailedAt: k.clock.t - 60_000, serviceFailedUnit: 'player.service' });
});
test.after(async () => {
  await k.done();
});

type Body = Record<string, string | string[]> | FormData;
const post = async (path: string, body: Body, who: 'admin' | 'editor' = 'admin'): Promise<Response> => {
  const headers: Record<string, string> = { origin: 'http://localhost', cookie: cookies[who] };
  let payload: BodyInit;
  if (body instanceof FormData) payload = body;
  else {
    const p = new URLSearchParams();
    for (const [key, v] of Object.entries(body)) for (const one of Array.isArray(v) ? v : [v]) p.append(key, one);
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = p.toString();
  }
  return app.request(path, { method: 'POST', headers, body: payload }, FROM);
};

const rows = async () => {
  await k.writer.settled();
  return listAudit(k.db, { limit: 1000 });
};
const groupId = async (name: string) => String((await listGroups(k.db)).find((g) => g.name === name)!.id);

interface Case {
  name: string;
  /** Not recorded against the case: what must exist before the form is sent. */
  setup?: () => Promise<void>;
  send: () => Promise<Response> | Response;
  status: number;
  who?: 'admin' | 'editor';
  action: string;
  target: () => Promise<string | null> | string | null;
  detail?: (d: Record<string, unknown>) => void;
}

const weekly = (group: string) => ({
  groupId: group, title: 'Assembly', eventType: 'website', url: 'https://example.org/news',
  date: '2026-03-16', startTime: '08:00', endTime: '09:00', timezone: 'Europe/Vienna', active: 'on',
  freq: 'weekly', interval: '1', byDay: ['0', '2'], end: 'until', until: '2026-07-03',
});

const CASES: Case[] = [
  {
    name: 'group create', send: () => post('/groups', { name: 'Aula', description: '' }), status: 303,
    action: 'groups.create', target: () => groupId('Aula'), detail: (d) => assert.is((d.after as { name: string }).name, 'Aula'),
  },
  {
    name: 'group rename', send: async () => post(`/groups/${await groupId('Aula')}`, { name: 'Hall', description: 'big' }), status: 303,
    action: 'groups.update', target: () => groupId('Hall'),
    detail: (d) => assert.equal([(d.before as { name: string }).name, (d.after as { name: string }).name], ['Aula', 'Hall']),
  },
  {
    name: 'client group assignment',
    setup: async () => {
      k.fleet.put({ uuid: UUID_C, status: 'healthy' });
      ids.group = await groupId('Hall');
    },
    send: () => post(`/clients/${UUID_C}/group`, { groupId: ids.group }), status: 303,
    action: 'clients.update', target: () => UUID_C,
    detail: (d) => assert.equal([(d.before as { groupId: unknown }).groupId, (d.after as { groupId: unknown }).groupId], [null, Number(ids.group)]),
  },
  {
    name: 'event create', who: 'editor', send: async () => post('/schedule/events', weekly(await groupId('Hall')), 'editor'), status: 303,
    action: 'events.create', target: async () => (ids.event = String((await listEvents(k.db))[0].id)),
    detail: (d) => assert.is((d.after as { title: string }).title, 'Assembly'),
  },
  {
    name: 'event delete', who: 'editor', send: () => post(`/schedule/events/${ids.event}/delete`, {}, 'editor'), status: 303,
    action: 'events.delete', target: () => ids.event, detail: (d) => assert.is((d.before as { title: string }).title, 'Assembly'),
  },
  {
    name: 'holiday import',
    send: () => {
      const body = new FormData();
      body.set('file', new File(['name,start_date,end_date\nOstern,2026-03-30,2026-04-06\n'], 'ferien.csv', { type: 'text/csv' }));
      return post('/holidays/upload', body);
    },
    status: 200, action: 'holidays.import', target: () => null, detail: (d) => assert.is(d.inserted, 1),
  },
  {
    name: 'period archive',
    setup: async () => {
      const res = await app.request('/api/academic_periods', json('POST', { name: 'SJ 24/25', startDate: '2024-09-02', endDate: '2025-06-27', periodType: 'schuljahr' }, cookies.admin));
      assert.is(res.status, 201, await res.clone().text());
      ids.period = String((await res.json()).id);
    },
    send: () => post(`/periods/${ids.period}/archive`, {}), status: 200,
    action: 'periods.archive', target: () => ids.period, detail: (d) => assert.is((d.after as { name: string }).name, 'SJ 24/25'),
  },
  {
    name: 'media delete', who: 'editor',
    setup: async () => {
      const res = await app.request('/media/upload', { ...multipart({ name: 'plan.pdf', bytes: '%PDF-1.4\n<</Type /Pages /Count 1>>\n' }, {}, cookies.editor) });
      assert.is(res.status, 303);
      ids.media = String((await k.service.all())[0].id);
    },
    send: () => post(`/media/${ids.media}/delete`, { current: '' }, 'editor'), status: 303,
    action: 'media.delete', target: () => ids.media, detail: (d) => assert.is((d.before as { name: string }).name, 'plan.pdf'),
  },
  {
    name: 'client command issue', send: () => post(`/clients/${UUID_A}/commands`, { action: 'restart_app', reason: 'frozen', confirm: '1' }), status: 303,
    action: 'commands.restart_app', target: () => UUID_A, detail: (d) => assert.is(d.reason, 'frozen'),
  },
  {
    name: 'client command cancel',
    setup: async () => {
      k.publisher.connected = false; // the command stays queued: the issuing POST waits for its publish
      void post(`/clients/${UUID_A}/commands`, { action: 'shutdown_host', reason: 'queued one', confirm: '1' });
      for (let i = 0; i < 200 && !ids.command; i++) {
        await new Promise((r) => setTimeout(r, 5));
        ids.command = k.commands.live().find((c) => c.action === 'shutdown_host' && c.status === 'queued')?.commandId ?? '';
      }
      k.publisher.connected = true;
      assert.ok(ids.command, 'a queued command');
    },
    send: () => post(`/clients/${UUID_A}/commands/${ids.command}/cancel`, {}), status: 303,
    action: 'commands.cancel', target: () => ids.command, detail: (d) => assert.equal([d.client, d.action], [UUID_A, 'shutdown_host']),
  },
  {
    name: 'bulk-run start',
    setup: async () => {
      const g = Number(await groupId('Hall'));
      for (const uuid of [UUID_B, UUID_C]) k.fleet.put({ uuid, groupId: g, status: 'offline' });
    },
    send: async () => {
      const res = await post(`/groups/${await groupId('Hall')}/restart`, { reason: 'power cut', confirm: '1' });
      ids.run = decodeURIComponent(/\/bulk-runs\/(.+)$/.exec(res.headers.get('location') ?? '')?.[1] ?? '');
      return res;
    },
    status: 303, action: 'bulk-runs.start', target: () => ids.run,
    detail: (d) => assert.equal([d.action, d.reason, d.clients], ['reboot_host', 'power cut', [UUID_B, UUID_C]]),
  },
  {
    name: 'bulk-run abort', send: () => post(`/bulk-runs/${ids.run}/abort`, { reason: 'wrong group' }), status: 303,
    action: 'bulk-runs.abort', target: () => ids.run, detail: (d) => assert.is(d.reason, 'wrong group'),
  },
  {
    name: 'service-failed acknowledge', send: () => post(`/monitoring/service-failed/${UUID_A}/ack`, {}), status: 303,
    action: 'clients.clear-service-failed', target: () => UUID_A,
  },
  {
    name: 'alert acknowledge',
    setup: async () => {
      k.bus.emit({ type: 'alert', kind: 'client-offline', severity: 'warning', message: 'offline', uuid: UUID_B, at: k.clock.t });
      await k.writer.settled();
      ids.alert = (await listAlerts(k.db, { open: true, kind: 'client-offline', limit: 5, offset: 0 })).alerts[0].id;
    },
    send: () => post(`/alerts/${ids.alert}/ack`, {}), status: 303,
    action: 'alerts.acknowledge', target: () => ids.alert,
  },
];

test('every dashboard form records one audit row: the API action and target, who, from where', async () => {
  for (const c of CASES) {
    await c.setup?.();
    const seen = new Set((await rows()).map((r) => r.id));
    const res = await c.send();
    assert.is(res.status, c.status, `${c.name}: ${res.status} ${res.status >= 400 ? await res.text() : ''}`);
    const fresh = (await rows()).filter((r) => !seen.has(r.id));
    assert.equal(fresh.map((r) => r.action), [c.action], c.name);
    const row: AuditEntry = fresh[0];
    assert.is(row.target, await c.target(), `${c.name}: target`);
    const who = c.who ?? 'admin';
    assert.is(row.actor, `user:${k.ids[who]}:${who}`, `${c.name}: actor`);
    assert.is(row.address, ADDRESS, `${c.name}: address`);
    c.detail?.(row.detail ?? {});
  }
});

test('the API family filter shows both doors: groups.* from the page and from /api/groups', async () => {
  const res = await app.request('/api/groups', json('POST', { name: 'Foyer' }, cookies.admin));
  assert.is(res.status, 201);
  const list = await app.request('/api/audit?action=groups', { headers: { cookie: cookies.admin } });
  const items = ((await list.json()) as { items: AuditEntry[] }).items;
  assert.equal(items.map((i) => i.action), ['groups.create', 'groups.update', 'groups.create']);
  assert.equal(items.map((i) => i.address), ['unknown', ADDRESS, ADDRESS], 'the API request came without an address');
});

test.run();
