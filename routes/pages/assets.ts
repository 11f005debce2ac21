/**
 * `/vendor/*`, `/static/*` and `/favicon.ico` (views/assets.ts lists the files). Public: the login
 * page needs them. A request with the current hash may be cached for a year; without it, revalidated.
 */
import { Hono } from 'hono';
import { loadAsset } from '../../views/assets.ts';

export function assetRoutes() {
  const app = new Hono();
  const serve = (path: string, v: string | undefined, ifNoneMatch: string | undefined) => {
    const a = loadAsset(path);
    if (!a) return null;
    const etag = `"${a.hash}"`;
    const headers: Record<string, string> = {
      'Content-Type': a.type,
      ETag: etag,
      'Cache-Control': v === a.hash ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (ifNoneMatch === etag) return new Response(null, { status: 304, headers });
    return new Response(a.body as Uint8Array<ArrayBuffer>, { status: 200, headers });
  };
  app.get('/vendor/:file', (c) => serve(c.req.path, c.req.query('v'), c.req.header('if-none-match')) ?? c.notFound());
  app.get('/static/:file', (c) => serve(c.req.path, c.req.query('v'), c.req.header('if-none-match')) ?? c.notFound());
  app.get('/favicon.ico', (c) => serve(c.req.path, c.req.query('v'), c.req.header('if-none-match')) ?? c.notFound());
  return app;
}
