/**
 * The dashboard's static files, served by our own routes (no CDN, no build step):
 * htmx 4 and its SSE extension from node_modules, our CSS and JS from views/static. URLs carry a
 * content hash (`/static/app.css?v=1a2b3c4d`), so browsers may cache them for a year and still
 * never run a stale copy after an update.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const ROOT = new URL('../', import.meta.url);

/** URL path → file (relative to the project root) and content type. A fixed list: nothing else is served. */
export const ASSETS: Record<string, { file: string; type: string }> = {
  '/vendor/htmx.min.js': { file: 'node_modules/htmx.org/dist/htmx.min.js', type: 'text/javascript; charset=utf-8' },
  '/vendor/hx-sse.js': { file: 'node_modules/htmx.org/dist/ext/hx-sse.min.js', type: 'text/javascript; charset=utf-8' },
  '/static/app.css': { file: 'views/static/app.css', type: 'text/css; charset=utf-8' },
  '/static/app.js': { file: 'views/static/app.js', type: 'text/javascript; charset=utf-8' },
  '/static/app-menu.js': { file: 'views/static/app-menu.js', type: 'text/javascript; charset=utf-8' },
  // Alpine's CSP build (no eval: routes/pages/index.ts); our components for it; admin pages' CSS.
  '/vendor/alpine.js': { file: 'node_modules/@alpinejs/csp/dist/cdn.min.js', type: 'text/javascript; charset=utf-8' },
  '/static/admin.js': { file: 'views/static/admin.js', type: 'text/javascript; charset=utf-8' },
  '/static/admin.css': { file: 'views/static/admin.css', type: 'text/css; charset=utf-8' },
  '/static/fieldwork.css': { file: 'views/static/fieldwork.css', type: 'text/css; charset=utf-8' },
  '/static/fieldwork.js': { file: 'views/static/fieldwork.js', type: 'text/javascript; charset=utf-8' },
  '/static/schedule.css': { file: 'views/static/schedule.css', type: 'text/css; charset=utf-8' }, // groups, schedule, holidays
  '/static/schedule.js': { file: 'views/static/schedule.js', type: 'text/javascript; charset=utf-8' },
  '/static/inspector.css': { file: 'views/static/inspector.css', type: 'text/css; charset=utf-8' }, // actor inspector
  '/static/reports.css': { file: 'views/static/reports.css', type: 'text/css; charset=utf-8' }, // availability report
  '/static/inspector.js': { file: 'views/static/inspector.js', type: 'text/javascript; charset=utf-8' },
  // Swagger UI for /api/docs (routes/openapi/routes.ts); its start script is a file, as the CSP wants.
  '/vendor/swagger-ui.css': { file: 'node_modules/swagger-ui-dist/swagger-ui.css', type: 'text/css; charset=utf-8' },
  '/vendor/swagger-ui-bundle.js': { file: 'node_modules/swagger-ui-dist/swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  '/static/api-docs.js': { file: 'views/static/api-docs.js', type: 'text/javascript; charset=utf-8' },
  // The icon: SVG for the layout's <link rel="icon">; for whoever asks /favicon.ico without reading the page, the
  // same drawing rendered at 32 px by Chromium, stored as a PNG inside an ICO (682 bytes).
  '/static/favicon.svg': { file: 'views/static/favicon.svg', type: 'image/svg+xml' },
  '/favicon.ico': { file: 'views/static/favicon.ico', type: 'image/x-icon' },
};

interface Loaded {
  body: Uint8Array;
  hash: string;
  type: string;
}

const loaded = new Map<string, Loaded>();

/** The file behind an asset path (read once), or undefined for anything not in the list. */
export function loadAsset(path: string): Loaded | undefined {
  const spec = ASSETS[path];
  if (!spec) return undefined;
  let a = loaded.get(path);
  if (!a) {
    const body = readFileSync(new URL(spec.file, ROOT));
    a = { body, hash: createHash('sha256').update(body).digest('hex').slice(0, 10), type: spec.type };
    loaded.set(path, a);
  }
  return a;
}

/** `/static/app.css?v=<hash>` for templates. */
export function assetUrl(path: string): string {
  const a = loadAsset(path);
  return a ? `${path}?v=${a.hash}` : path;
}
