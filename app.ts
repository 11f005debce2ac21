/**
 * The Hono app (docs/architecture.md "One app, two entry points": one app module, entry points only add the listener). Composes the
 * cross-cutting middleware and mounts one sub-app per resource with `app.route()`.
 *
 * Cross-site requests (docs/http.md "Cross-site requests"): the session cookie is SameSite=Lax, and
 * routes/middleware/csrf.ts refuses every state change a browser marks as foreign, whatever the body.
 * A Bearer request (API token, routes/middleware/bearer.ts) skips the check: its cookie is never
 * read, and no foreign page can add an Authorization header without a preflight.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { ZodError } from 'zod';
import { databaseAnswers } from './db/client.ts';
import { logger } from './lib/logger.ts';
import type { AppDeps, RouteDeps } from './routes/deps.ts';
import { appParts } from './runtime/parts.ts';
import { hasBearer, sessionMiddleware, type AppEnv } from './routes/middleware/session.ts';
import { crossSiteGuard } from './routes/middleware/csrf.ts';
import { bearerAuth } from './routes/middleware/bearer.ts';
import { tokensRoutes } from './routes/tokens.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { usersRoutes } from './routes/users.ts';
import { clientsRoutes } from './routes/clients.ts';
import { clientLogsRoutes } from './routes/client-logs.ts';
import { screenshotRoutes } from './routes/screenshots.ts';
import { healthRoutes, type HealthProbes } from './routes/health.ts';
import { statusRoutes } from './routes/status.ts';
import { alertsRoutes } from './routes/alerts.ts';
import { credentialsRoutes } from './routes/credentials.ts';
import { brokerRoutes } from './routes/broker.ts';
import { commandsRoutes } from './routes/commands.ts';
import { bulkRunsRoutes } from './routes/bulk-runs.ts';
import { toIssues } from './routes/validate.ts';
import { groupsRoutes } from './routes/groups.ts';
import { eventsRoutes } from './routes/events.ts';
import { holidaysRoutes } from './routes/holidays.ts';
import { academicPeriodsRoutes } from './routes/academic-periods.ts';
import { systemSettingsRoutes } from './routes/system-settings.ts';
import { DASHBOARD_CSP, dashboardRoutes } from './routes/pages/index.ts';
import { notFoundHandler } from './routes/pages/not-found.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { reportsRoutes } from './routes/reports.ts';
import { inspectorRoutes } from './routes/inspector.ts';
import { notificationsRoutes } from './routes/notifications.ts';
import { storeGuard, storeUnavailable } from './routes/store-guard.ts';
import { StoreUnavailableError } from './db/store-errors.ts';
import { eventMediaRoutes, isUploadRequest } from './routes/eventmedia.ts';
import { conversionsRoutes } from './routes/conversions.ts';
import { requestLog } from './routes/middleware/request-log.ts';
import { prometheusRoutes } from './routes/prometheus.ts';
import { openApiRoutes } from './routes/openapi/routes.ts';

export type { AppDeps };

const log = logger('http');
export const MAX_BODY_BYTES = 1024 * 1024; // 1 MiB: the largest JSON body the API accepts

const JSON_TYPE = /^application\/([\w.-]+\+)?json\b/i;

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const now = deps.now ?? (() => Date.now());
  // The runtime passes its long-lived parts (runtime/parts.ts); a test app gets its own for those it leaves out.
  const { parts } = appParts({ db: deps.db, bus: deps.bus, persist: (...s) => deps.writer.enqueue(...s), now }, deps);
  const d: RouteDeps = { ...deps, ...parts, now };
  const started = d.now();
  const app = new Hono<AppEnv>();

  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      // Hono's validator throws this text for an unparsable (e.g. empty) JSON body.
      const message = /^Malformed JSON/.test(err.message) ? 'invalid JSON' : err.message || defaultMessage(err.status);
      return c.json({ error: message }, err.status);
    }
    if (err instanceof StoreUnavailableError) return storeUnavailable(c, d, err);
    if (err instanceof ZodError) return c.json({ error: 'invalid request', issues: toIssues(err.issues) }, 400);
    log.error(`${c.req.method} ${c.req.path} failed`, err);
    return c.json({ error: 'internal error' }, 500);
  });
  app.notFound(notFoundHandler(d)); // JSON under /api/, the HTML error page for dashboard paths

  app.use(requestLog()); // X-Request-Id, and the id on every log line of the request (docs/operations.md "Logs")
  app.use(secureHeaders({ contentSecurityPolicy: DASHBOARD_CSP })); // routes/pages/index.ts: why this policy
  const jsonLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error: 'request body too large' }, 413) });
  // Uploads stream to disk under their own limit (MEDIA_MAX_UPLOAD_MB, docs/media.md).
  app.use((c, next) => (isUploadRequest(c.req.method, c.req.path) ? next() : jsonLimit(c, next)));
  const crossSite = crossSiteGuard();
  app.use((c, next) => (hasBearer(c) ? next() : crossSite(c, next)));
  // Reject unparsable JSON once, up front, with one message (validators would only see `{}`).
  app.use(async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && JSON_TYPE.test(c.req.header('content-type') ?? '')) {
      const text = await c.req.text();
      if (text.trim() !== '') {
        try {
          JSON.parse(text);
        } catch {
          return c.json({ error: 'invalid JSON' }, 400);
        }
      }
    }
    await next();
  });
  app.use(sessionMiddleware(d));
  app.use(bearerAuth(d)); // API tokens (docs/http.md "API tokens")
  app.use(storeGuard(d.storeStatus)); // while the store fails, no write is answered as done

  const probes: HealthProbes = {
    dbOk: () => databaseAnswers(d.db),
    brokerConnected: () => d.brokerStatus().connected,
    drops: d.drops,
    store: d.storeStatus,
    clients: () => d.fleet.size(),
    commands: () => d.commandsCount?.() ?? 0,
    uptimeSeconds: () => (d.now() - started) / 1000,
    readiness: d.readiness, // /health/ready's checks beyond database and broker
  };
  app.route('/', healthRoutes(probes));
  app.route('/api/status', statusRoutes(d, probes)); // docs/users.md "GET /api/status"
  app.route('/api/alerts', alertsRoutes(d));
  app.route('/api/auth', authRoutes(d));
  app.route('/api/users', usersRoutes(d));
  app.route('/api/tokens', tokensRoutes(d));
  app.route('/api/audit', auditRoutes(d)); // docs/http.md "Audit trail"
  app.route('/api/clients', clientsRoutes(d));
  app.route('/api/clients', credentialsRoutes(d)); // /{uuid}/credentials
  app.route('/api/broker', brokerRoutes(d));
  app.route('/api/client-logs', clientLogsRoutes(d));
  // Remote commands (docs/commands.md): /api/clients/{uuid}/restart…, /api/clients/commands/{id}, /api/commands.
  if (d.commands) app.route('/api', commandsRoutes({ ...d, commands: d.commands }));
  if (d.bulkRuns) app.route('/api', bulkRunsRoutes({ ...d, bulkRuns: d.bulkRuns }));
  if (d.inspector) app.route('/api/inspector', inspectorRoutes({ inspector: d.inspector, supervisorReport: d.supervisorReport })); // docs/inspector.md
  app.route('/screenshots', screenshotRoutes(d));
  app.route('/api/groups', groupsRoutes(d)); // scheduling (docs/scheduler.md)
  app.route('/api/events', eventsRoutes(d));
  app.route('/api/holidays', holidaysRoutes(d));
  app.route('/api/academic_periods', academicPeriodsRoutes(d)); // docs/periods.md
  app.route('/api/system-settings', systemSettingsRoutes(d));
  app.route('/api/metrics', metricsRoutes(d)); // activity per minute
  if (d.prometheus) app.route('/', prometheusRoutes(d.prometheus, { allowFrom: d.config.METRICS_ALLOW_FROM, trustProxy: d.config.TRUST_PROXY })); // GET /metrics (docs/operations.md)
  if (d.notifications) app.route('/api/notifications', notificationsRoutes({ ...d, notifications: d.notifications })); // docs/notifications.md
  app.route('/api/reports', reportsRoutes(d)); // availability (docs/availability.md)
  if (d.media) app.route('/api/eventmedia', eventMediaRoutes(d.media, d.now, d)); // docs/media.md
  if (d.media) app.route('/api/conversions', conversionsRoutes(d.media, d.db));
  app.route('/api', openApiRoutes(app, d.now)); // /api/openapi.json, /api/docs (docs/http.md "OpenAPI")
  app.route('/', dashboardRoutes(d)); // pages, fragments, live streams, static files
  return app;
}

function defaultMessage(status: number): string {
  if (status === 403) return 'forbidden (cross-origin request blocked)';
  if (status === 413) return 'request body too large';
  return `HTTP ${status}`;
}
