/**
 * A notice rendered per channel type (docs/notifications.md "Payloads"): the Alertmanager v4
 * webhook body, Slack/Mattermost `{text}`, Discord `{content}`, a Teams Adaptive Card, an ntfy
 * POST with headers, or an e-mail (text + HTML), each in the channel's language. Pure.
 */
import { translator, type Lang, type MessageKey, type T } from '../../views/i18n/index.ts';
import type { ChannelType, Notice, NoticeAlert } from '../../domain/notifications.ts';

export type Rendered =
  | { kind: 'http'; body: string; headers: Record<string, string> }
  | { kind: 'mail'; subject: string; text: string; html: string };

export interface RenderContext {
  channelName: string;
  lang: Lang;
  /** Absolute dashboard URL (PUBLIC_URL), '' when unknown. */
  externalURL: string;
}

/** Alertmanager's fingerprint is 16 hex digits; ours is FNV-1a 64 of kind|subject, so firing and resolved match. */
export function fingerprintHex(key: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(key)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

/** One alert's line in the channel's language. */
export function alertText(t: T, a: NoticeAlert): string {
  return t(`notif.alert.${a.kind}.${a.status}` as MessageKey, { name: a.params.name ?? a.uuid ?? '', ...a.params });
}

/** The notice's headline. */
export function headline(t: T, n: Notice, channelName: string): string {
  if (n.kind === 'test') return t('notif.test.title');
  if (n.digest) {
    const open = n.alerts.filter((a) => a.status === 'firing').length;
    if (n.digest.reason === 'quiet-hours') return t('notif.digest.quiet-hours', { open, resolved: n.digest.resolved });
    if (n.digest.reason === 'rate-cap') return t('notif.digest.rate-cap', { count: n.alerts.length });
    return `${t('notif.digest.stable')}: ${n.alerts.map((a) => alertText(t, a)).join('; ')}`;
  }
  const first = n.alerts[0];
  const more = n.alerts.length > 1 ? ` (+${n.alerts.length - 1})` : '';
  return first ? `[${t(`notif.status.${first.status}`)}] ${alertText(t, first)}${more}` : channelName;
}

/** Plain text lines: headline, then one line per alert (digests list them all). */
function lines(t: T, n: Notice, ctx: RenderContext): string[] {
  if (n.kind === 'test') return [t('notif.test.title'), t('notif.test.body', { name: ctx.channelName })];
  const head = headline(t, n, ctx.channelName);
  if (n.alerts.length <= 1 && !n.digest) return [head];
  return [head, ...n.alerts.map((a) => `• [${t(`notif.status.${a.status}`)}] ${alertText(t, a)}`)];
}

export function noticeStatus(n: Notice): 'firing' | 'resolved' {
  return n.alerts.some((a) => a.status === 'firing') || n.kind === 'test' ? 'firing' : 'resolved';
}

const ZERO_TIME = '0001-01-01T00:00:00Z'; // Alertmanager's endsAt of an alert still firing

/** The Alertmanager v4 webhook body (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export function alertmanagerBody(t: T, n: Notice, ctx: RenderContext, receiver: string): Record<string, unknown> {
  const alerts = n.alerts.map((a) => ({
    status: a.status,
    labels: {
      alertname: a.kind,
      severity: a.severity,
      ...(a.uuid ? { client: a.uuid } : {}),
      ...(a.groupId !== undefined && a.groupId !== null ? { group: String(a.groupId) } : {}),
    } as Record<string, string>,
    annotations: { summary: alertText(t, a), description: a.summary } as Record<string, string>,
    startsAt: new Date(a.startsAt).toISOString(),
    endsAt: a.endsAt === null ? ZERO_TIME : new Date(a.endsAt).toISOString(),
    generatorURL: ctx.externalURL ? `${ctx.externalURL}${a.uuid ? `/clients/${a.uuid}` : '/alerts'}` : '',
    fingerprint: fingerprintHex(a.fingerprint),
  }));
  if (n.kind === 'test') alerts.push({ status: 'firing', labels: { alertname: 'test', severity: 'info' }, annotations: { summary: t('notif.test.body', { name: ctx.channelName }), description: '' }, startsAt: new Date(n.at).toISOString(), endsAt: ZERO_TIME, generatorURL: ctx.externalURL, fingerprint: fingerprintHex(`test|${n.at}`) });
  const common = (pick: (a: (typeof alerts)[number]) => Record<string, string>) => {
    if (!alerts.length) return {};
    const [first, ...rest] = alerts.map(pick);
    return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((o) => o[k] === v)));
  };
  const commonLabels = common((a) => a.labels);
  return {
    version: '4',
    groupKey: `{}:{alertname="${commonLabels.alertname ?? n.kind}"}`,
    truncatedAlerts: 0,
    status: noticeStatus(n),
    receiver,
    groupLabels: commonLabels.alertname ? { alertname: commonLabels.alertname } : {},
    commonLabels,
    commonAnnotations: n.digest ? { summary: headline(t, n, ctx.channelName) } : common((a) => a.annotations),
    externalURL: ctx.externalURL,
    alerts,
  };
}

function adaptiveCard(text: string[], url: string): Record<string, unknown> {
  const [title, ...rest] = text;
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [{ type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true }, ...rest.map((l) => ({ type: 'TextBlock', text: l, wrap: true }))],
          ...(url ? { actions: [{ type: 'Action.OpenUrl', title: 'Dashboard', url }] } : {}),
        },
      },
    ],
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The notice for one channel type. HTTP header values are ASCII-safe (ntfy takes UTF-8 titles RFC 2047-encoded). */
export function render(type: ChannelType, n: Notice, ctx: RenderContext): Rendered {
  const t = translator(ctx.lang);
  const text = lines(t, n, ctx);
  const json = (body: unknown): Rendered => ({ kind: 'http', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  switch (type) {
    case 'webhook':
      return json(alertmanagerBody(t, n, ctx, ctx.channelName));
    case 'slack':
    case 'mattermost':
      return json({ text: text.join('\n') });
    case 'discord':
      return json({ content: text.join('\n').slice(0, 2000) }); // Discord's limit per message
    case 'teams':
      return json(adaptiveCard(text, ctx.externalURL));
    case 'ntfy': {
      const critical = n.alerts.some((a) => a.severity === 'critical' && a.status === 'firing');
      const status = noticeStatus(n);
      const headers: Record<string, string> = {
        'content-type': 'text/plain; charset=utf-8',
        Title: `=?UTF-8?B?${btoa(String.fromCharCode(...new TextEncoder().encode(text[0])))}?=`,
        Priority: critical ? '5' : status === 'resolved' ? '2' : '4',
        Tags: status === 'resolved' ? 'white_check_mark' : critical ? 'rotating_light' : 'warning',
      };
      if (ctx.externalURL) headers.Click = ctx.externalURL;
      return { kind: 'http', body: (text.length > 1 ? text.slice(1) : text).join('\n'), headers };
    }
    case 'email': {
      const link = ctx.externalURL ? `\n\n${t('notif.mail.open')}: ${ctx.externalURL}` : '';
      const html =
        `<h2>${escapeHtml(text[0])}</h2>` +
        (text.length > 1 ? `<ul>${text.slice(1).map((l) => `<li>${escapeHtml(l.replace(/^• /, ''))}</li>`).join('')}</ul>` : '') +
        (ctx.externalURL ? `<p><a href="${escapeHtml(ctx.externalURL)}">${escapeHtml(t('notif.mail.open'))}</a></p>` : '') +
        `<p style="color:#666">${escapeHtml(t('notif.mail.footer'))}</p>`;
      return { kind: 'mail', subject: text[0], text: `${text.join('\n')}${link}\n\n-- \n${t('notif.mail.footer')}\n`, html };
    }
  }
}
