/**
 * `/screenshots/{uuid}.jpg` and `/screenshots/{uuid}/priority` (docs/http.md endpoint table, role user;
 * docs/clients-screens.md: priority falls back to the latest once its TTL is over). Always fresh:
 * `Cache-Control: no-store`, because the same URL shows a new image every capture.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { pathUuid } from './client-json.ts';

/**
 * What the routes need from the screenshot store (db/screenshots.ts): the JPEG bytes of a client's
 * latest capture and of its still-active priority capture, or null when there is none.
 */
export interface ScreenshotSource {
  latest(uuid: string): Promise<Uint8Array | null>;
  /** The priority capture only while it is active (within the TTL), else null. */
  activePriority(uuid: string): Promise<Uint8Array | null>;
}

function jpeg(c: Context, bytes: Uint8Array | null): Response {
  if (!bytes) throw new HTTPException(404, { message: 'no screenshot' });
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'Content-Type': 'image/jpeg',
    'Cache-Control': 'no-store',
    'Content-Length': String(bytes.byteLength),
  });
}

export function screenshotRoutes(deps: { screenshots: ScreenshotSource }) {
  const app = new Hono<AppEnv>();
  const user = requireRole('user');
  const uuidOf = (raw: string) => {
    const uuid = pathUuid(raw);
    if (uuid === null) throw new HTTPException(404, { message: 'no screenshot' });
    return uuid;
  };

  app.get('/:file', user, async (c) => {
    const file = c.req.param('file');
    const uuid = uuidOf(file.endsWith('.jpg') ? file.slice(0, -4) : '');
    return jpeg(c, await deps.screenshots.latest(uuid));
  });

  app.get('/:uuid/priority', user, async (c) => {
    const uuid = uuidOf(c.req.param('uuid'));
    return jpeg(c, (await deps.screenshots.activePriority(uuid)) ?? (await deps.screenshots.latest(uuid)));
  });

  return app;
}
