/**
 * `/api/openapi.json` and `/api/docs` (docs/http.md "OpenAPI"): the OpenAPI 3.1 document of the app's
 * JSON API, generated from its routes on first request and kept (routes do not change while running),
 * and Swagger UI over it, served from node_modules (views/assets.ts) under the dashboard's CSP. Both
 * are public: they describe the API, they hold no data; every operation still asks for its role.
 */
import { Hono } from 'hono';
import { eta } from '../../views/render.ts';
import { i18n, pickLanguage } from '../../views/i18n/index.ts';
import { assetUrl } from '../../views/assets.ts';
import type { AppEnv } from '../middleware/session.ts';
import { apiDoc } from './describe.ts';
import { openApiDocument } from './document.ts';

const SPEC_PATH = '/api/openapi.json';
const doc = apiDoc('Documentation');

/** Mounted at `/api`; `root` is the whole app, whose routes the document describes. */
export function openApiRoutes(root: Hono<any>, now: () => number) {
  const app = new Hono<AppEnv>();
  let document: ReturnType<typeof openApiDocument> | null = null;

  app.get('/openapi.json', doc('This document (OpenAPI 3.1)', 'The OpenAPI 3.1 document', { public: true }), async (c) => {
    document ??= openApiDocument(root);
    return c.json(await document);
  });

  app.get('/docs', doc('Swagger UI over this document', 'An HTML page', { public: true }), (c) => {
    const lang = pickLanguage(c.var.user?.language, c.req.header('accept-language'));
    return c.html(eta.render('pages/api-docs', { ...i18n(lang, now()), asset: assetUrl, spec: SPEC_PATH }));
  });

  return app;
}
