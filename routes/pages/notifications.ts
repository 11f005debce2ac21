/**
 * `/settings/notifications` (admin; docs/notifications.md "The page"): channels with their masked
 * target, a test send each (the receiver's status and latency, or the exact error), rules,
 * maintenance windows and the last deliveries. Plain forms: every POST answers the page again
 * with a notice or the error, validated by the same schemas as `/api/notifications`.
 *   POST /settings/notifications/channels · …/channels/{id}/test · …/channels/{id}/delete
 *   POST …/rules · …/rules/{id}/delete · …/mutes · …/mutes/{id}/end
 */
import { Hono, type Context } from 'hono';
import type { ZodError } from 'zod';
import { fromWall } from '../../lib/schedule/zone.ts';
import { channelInput, muteInput, ruleInput } from '../../services/notifications/inputs.ts';
import { ALERT_KINDS, type AlertKind } from '../../domain/notifications.ts';
import type { NotificationService } from '../../services/notifications/service.ts';
import type { AppEnv } from '../middleware/session.ts';
import { render } from './hx.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { auditBy } from '../audit-record.ts';
import { sendErrorText } from './send-error-text.ts';

type Body = Record<string, string | File | (string | File)[]>;
const str = (b: Body, k: string) => (typeof b[k] === 'string' ? (b[k] as string).trim() : '');
const num = (v: string) => (v === '' ? null : Number(v));
const fieldsOf = (e: ZodError) => [...new Set(e.issues.map((i) => i.path.join('.') || 'body'))].join(', ');

/** The rule form → the API's rule input (quiet hours as "22:00-07:00" in the schedule's zone). */
function ruleFromForm(b: Body, tz: string): unknown {
  const kinds = ALERT_KINDS.filter((k) => b[`kind.${k}`] === '1');
  const groups = str(b, 'groupIds');
  const quiet = /^(\d\d:\d\d)\s*-\s*(\d\d:\d\d)$/.exec(str(b, 'quietHours'));
  return {
    channelId: Number(str(b, 'channelId')),
    kinds: kinds.length ? kinds : null,
    minSeverity: str(b, 'minSeverity') || 'warning',
    groupIds: groups ? groups.split(',').map((g) => Number(g.trim())) : null,
    delaySeconds: num(str(b, 'delaySeconds')),
    notifyResolved: b.notifyResolved === '1',
    repeatSeconds: num(str(b, 'repeatSeconds')),
    respectSchedule: b.respectSchedule === '1',
    quietHours: str(b, 'quietHours') ? (quiet ? { start: quiet[1], end: quiet[2], timeZone: tz } : { start: 'x', end: 'x', timeZone: tz }) : null,
  };
}

export function notificationPages(deps: PageDeps & { notifications?: NotificationService }) {
  const app = new Hono<AppEnv>();
  const admin = pageRole('admin', deps);
  const tz = deps.config.SCHEDULE_TIMEZONE;
  const actorOf = (c: Context<AppEnv>) => auditBy(c, deps);

  const page = async (c: Context<AppEnv>, o: { notice?: string; error?: string; status?: 200 | 400 } = {}) => {
    const n = deps.notifications!;
    const it = pageContext(c, deps);
    const [channels, rules, outbox] = await Promise.all([n.channels(), n.rules(), n.outbox({ limit: 30 })]);
    const names = new Map(channels.map((ch) => [ch.id, ch.name]));
    const data = { ...it, title: it.t('notif.page.title'), channels, rules, outbox, mutes: n.mutes(), names, kinds: ALERT_KINDS, notice: o.notice ?? null, error: o.error ?? null, tz,
      sendErrorText: (stored: string | null) => sendErrorText(it, stored) };
    return render(c, { page: 'notifications', data, status: o.status });
  };

  app.use('/settings/notifications/*', admin);
  app.use('/settings/notifications', admin);
  app.use('/settings/notifications*', async (c, next) => (deps.notifications ? next() : errorPage(c, deps, 404)));

  app.get('/settings/notifications', (c) => page(c));

  app.post('/settings/notifications/channels', async (c) => {
    const t = pageContext(c, deps).t;
    const b = await c.req.parseBody();
    const type = str(b, 'type');
    const raw = { name: str(b, 'name'), type, language: str(b, 'language') || 'en', ...(type === 'email' ? { to: str(b, 'to'), ...(str(b, 'smtpUrl') ? { smtpUrl: str(b, 'smtpUrl') } : {}) } : { url: str(b, 'url') }) };
    const parsed = channelInput.safeParse(raw);
    if (!parsed.success) {
      const f = fieldsOf(parsed.error);
      const error = f === 'url' ? t('notif.error.url') : f === 'to' ? t('notif.error.to') : f === 'name' ? t('notif.error.name') : t('notif.error.input', { field: f });
      return page(c, { error, status: 400 });
    }
    await deps.notifications!.addChannel(parsed.data, actorOf(c));
    return page(c, { notice: t('notif.channel.added', { name: parsed.data.name }) });
  });

  app.post('/settings/notifications/channels/:id/test', async (c) => {
    const it = pageContext(c, deps);
    const t = it.t;
    const channel = await deps.notifications!.channel(Number(c.req.param('id')));
    if (!channel) return page(c, { error: t('notif.error.channel'), status: 400 });
    const r = await deps.notifications!.test(channel);
    return r.ok ? page(c, { notice: t('notif.channel.testOk', { status: r.status, ms: r.latencyMs }) }) : page(c, { error: t('notif.channel.testFailed', { error: sendErrorText(it, r.error) }) });
  });

  app.post('/settings/notifications/channels/:id/delete', async (c) => {
    await deps.notifications!.deleteChannel(Number(c.req.param('id')), actorOf(c));
    return page(c, { notice: pageContext(c, deps).t('notif.channel.deleted') });
  });

  app.post('/settings/notifications/rules', async (c) => {
    const t = pageContext(c, deps).t;
    const parsed = ruleInput.safeParse(ruleFromForm(await c.req.parseBody(), tz));
    if (!parsed.success) return page(c, { error: t('notif.error.input', { field: fieldsOf(parsed.error) }), status: 400 });
    if (!(await deps.notifications!.channel(parsed.data.channelId))) return page(c, { error: t('notif.error.channel'), status: 400 });
    await deps.notifications!.addRule(parsed.data, actorOf(c));
    return page(c, { notice: t('notif.rule.added') });
  });

  app.post('/settings/notifications/rules/:id/delete', async (c) => {
    await deps.notifications!.deleteRule(Number(c.req.param('id')), actorOf(c));
    return page(c);
  });

  app.post('/settings/notifications/mutes', async (c) => {
    const t = pageContext(c, deps).t;
    const b = await c.req.parseBody();
    const target = str(b, 'target');
    const wall = Date.parse(`${str(b, 'until')}:00Z`); // datetime-local, in the schedule's zone
    const until = Number.isFinite(wall) ? new Date(fromWall(wall, tz)).toISOString() : '';
    const parsed = muteInput.safeParse({ targetType: /^\d+$/.test(target) ? 'group' : 'client', targetId: target, until, reason: str(b, 'reason') || undefined });
    if (!parsed.success) return page(c, { error: t('notif.error.input', { field: fieldsOf(parsed.error) }), status: 400 });
    await deps.notifications!.addMute(parsed.data, actorOf(c));
    return page(c, { notice: t('notif.mute.added', { until: str(b, 'until').replace('T', ' ') }) });
  });

  app.post('/settings/notifications/mutes/:id/end', async (c) => {
    await deps.notifications!.endMute(Number(c.req.param('id')), actorOf(c));
    return page(c);
  });
  return app;
}

export type { AlertKind };
