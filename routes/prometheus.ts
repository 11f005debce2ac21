/**
 * `GET /metrics` (docs/operations.md "Metrics"): the Prometheus text format of
 * services/prometheus, for a scraper on an allowed address, an admin, or (later) a `metrics` token.
 * The JSON activity chart stays at `/api/metrics` (routes/metrics.ts).
 */
import { Hono } from 'hono';
import { metricsAccess, type MetricsAccess } from './middleware/metrics-access.ts';
import type { AppEnv } from './middleware/session.ts';

export interface PrometheusSource {
  contentType: string;
  text(): Promise<string>;
}

export function prometheusRoutes(source: PrometheusSource, access: MetricsAccess) {
  const app = new Hono<AppEnv>();
  app.get('/metrics', metricsAccess(access), async (c) => c.body(await source.text(), 200, { 'Content-Type': source.contentType, 'Cache-Control': 'no-store' }));
  return app;
}
