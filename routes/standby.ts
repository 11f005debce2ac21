/**
 * The HTTP side of a standby server (docs/high-availability.md "Standby"): while it waits for the
 * instance lease it serves no dashboard and no API, only its health, so load balancers and
 * operators see a standby, not a failure. `/health` and `/health/ready` answer 503 with
 * `status: "standby"` and the holder; `/health/live` 200 (the process is fine); everything else 503
 * with one translated line pointing at the active server.
 */
import { Hono } from 'hono';
import type { Holder } from '../db/lease.ts';
import { pickLanguage, translator } from '../views/i18n/index.ts';

const RETRY_AFTER_S = '5';

export function standbyApp(holder: () => Holder | null) {
  const app = new Hono();
  const body = () => {
    const h = holder();
    return { status: 'standby', role: 'standby', holder: h ? { host: h.host, pid: h.pid, startedAt: h.startedAt, renewedAt: h.renewedAt, epoch: h.epoch } : null };
  };
  app.get('/health/live', (c) => c.json({ status: 'ok', role: 'standby' }));
  app.get('/health', (c) => c.json(body(), 503, { 'Retry-After': RETRY_AFTER_S }));
  app.get('/health/ready', (c) => c.json(body(), 503, { 'Retry-After': RETRY_AFTER_S }));
  app.all('*', (c) => {
    const t = translator(pickLanguage(null, c.req.header('Accept-Language')));
    return c.text(t('standby.page', { host: holder()?.host ?? '?' }), 503, { 'Retry-After': RETRY_AFTER_S });
  });
  return app;
}
