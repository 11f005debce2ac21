/**
 * `/api/notifications` (admin; docs/notifications.md "API"): channels (the secret URL is stored,
 * never returned), a test send per channel, rules, mutes (maintenance windows) and the outbox.
 *   GET/POST /channels · DELETE /channels/{id} · POST /channels/{id}/test
 *   GET/POST /rules · DELETE /rules/{id} · GET/POST /mutes · DELETE /mutes/{id} · GET /outbox
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { Channel } from '../domain/notifications.ts';
import type { OutboxItem } from '../db/notifications.ts';
import type { NotificationService } from '../services/notifications/service.ts';
import { channelInput, muteInput, ruleInput } from '../services/notifications/inputs.ts';
import { iso } from '../lib/time.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { intQuery, validate } from './validate.ts';
import type { RouteDeps } from './deps.ts';
import { auditBy } from './audit-record.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Notifications');

export type NotificationsApi = NotificationService;

export const channelJson = (c: Channel) => ({ id: c.id, name: c.name, type: c.type, target: c.target, language: c.language, rateCap: c.rateCap, enabled: c.enabled, createdAt: iso(c.createdAt) });

export const outboxJson = (o: OutboxItem) => ({
  id: o.id,
  channelId: o.channelId,
  ruleId: o.ruleId,
  kind: o.kind,
  status: o.status,
  attempts: o.attempts,
  nextAt: o.status === 'pending' || o.status === 'sending' ? iso(o.nextAt) : null,
  lastStatus: o.lastStatus,
  lastError: o.lastError,
  latencyMs: o.latencyMs,
  createdAt: iso(o.createdAt),
  sentAt: iso(o.sentAt),
  alerts: o.notice.alerts.map((a) => ({ kind: a.kind, status: a.status, summary: a.summary, uuid: a.uuid ?? null })),
});

const idParam = z.object({ id: z.coerce.number().int().positive() });

export function notificationsRoutes(deps: RouteDeps & { notifications: NotificationsApi }) {
  const n = deps.notifications;
  /** Who acts, from where: the audit trail's actor and address. */
  const actorOf = (c: Context<AppEnv>) => auditBy(c, deps);
  const app = new Hono<AppEnv>();
  app.use('*', requireRole('admin'));

  app.get('/channels', doc('The delivery channels', 'The channels'), async (c) => c.json({ channels: (await n.channels()).map(channelJson) }));
  app.post('/channels', doc('Add a channel', 'Its id', { status: 201 }), validate('json', channelInput), async (c) => c.json({ id: await n.addChannel(c.req.valid('json'), actorOf(c)) }, 201));
  app.delete('/channels/:id', doc('Remove a channel'), validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    if (!(await n.channel(id))) throw new HTTPException(404, { message: 'no such channel' });
    await n.deleteChannel(id, actorOf(c));
    return c.body(null, 204);
  });
  app.post('/channels/:id/test', doc('Send a test message over a channel', 'The delivery outcome'), validate('param', idParam), async (c) => {
    const channel = await n.channel(c.req.valid('param').id);
    if (!channel) throw new HTTPException(404, { message: 'no such channel' });
    const r = await n.test(channel);
    return r.ok ? c.json({ ok: true, status: r.status, latencyMs: r.latencyMs, id: r.id }) : c.json({ ok: false, error: r.error, status: r.status, latencyMs: r.latencyMs, id: r.id }, 502);
  });

  app.get('/rules', doc('The notification rules', 'The rules'), async (c) => c.json({ rules: await n.rules() }));
  app.post('/rules', doc('Add a rule', 'Its id', { status: 201 }), validate('json', ruleInput), async (c) => {
    const input = c.req.valid('json');
    if (!(await n.channel(input.channelId))) return c.json({ error: 'invalid channelId', issues: [{ path: 'channelId', message: 'no such channel' }] }, 400);
    return c.json({ id: await n.addRule(input, actorOf(c)) }, 201);
  });
  app.delete('/rules/:id', doc('Remove a rule'), validate('param', idParam), async (c) => {
    await n.deleteRule(c.req.valid('param').id, actorOf(c));
    return c.body(null, 204);
  });

  app.get('/mutes', doc('The mutes (maintenance windows)', 'The mutes'), (c) => c.json({ mutes: n.mutes().map((m) => ({ ...m, until: iso(m.until), createdAt: iso(m.createdAt) })) }));
  app.post('/mutes', doc('Add a mute', 'Its id', { status: 201 }), validate('json', muteInput), async (c) => c.json({ id: await n.addMute(c.req.valid('json'), actorOf(c)) }, 201));
  app.delete('/mutes/:id', doc('Remove a mute'), validate('param', idParam), async (c) => {
    await n.endMute(c.req.valid('param').id, actorOf(c));
    return c.body(null, 204);
  });

  app.get('/outbox', doc('Recent deliveries and their outcome', 'The outbox'), validate('query', z.object({ channel: z.coerce.number().int().positive().optional(), limit: intQuery(50, 1, 500) })), async (c) => {
    const q = c.req.valid('query');
    c.header('Cache-Control', 'no-store');
    return c.json({ items: (await n.outbox({ channelId: q.channel, limit: q.limit })).map(outboxJson) });
  });
  return app;
}
