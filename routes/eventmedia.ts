/**
 * `/api/eventmedia` (docs/media.md "API"): the media library for editors and up (upload, list,
 * folders, rename, move, delete) and `GET /stream/{id}/{filename}` with byte ranges, which a
 * dashboard session (editor+) or a signed URL opens (screens have no session).
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { MediaItem } from '../db/media.ts';
import { roleRank } from '../domain/users.ts';
import { iso } from '../lib/time.ts';
import type { MediaApi } from '../services/media/setup.ts';
import { parseRange } from '../services/media/range.ts';
import { MediaError } from '../services/media/service.ts';
import { streamPath } from '../services/media/signing.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { pathId } from './schedule-failure.ts';
import { validate } from './validate.ts';
import { audit } from './audit-record.ts';
import type { RouteDeps } from './deps.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Media');

/** What the media routes need (runtime.ts builds it). */
export type { MediaApi };

/** Requests whose body is a file upload: exempt from the 1 MiB JSON body limit of app.ts. */
export function isUploadRequest(method: string, path: string): boolean {
  return method === 'POST' && (path === '/api/eventmedia' || path === '/api/eventmedia/' || path === '/media/upload');
}

export function mediaJson(m: MediaItem) {
  return {
    id: m.id, name: m.name, folder: m.folder, mediaType: m.mediaType, mimeType: m.mimeType, size: m.size, fileHash: m.fileHash,
    duration: m.duration, width: m.width, height: m.height, bitrate: m.bitrate, pageCount: m.pageCount, metadataError: m.metadataError,
    academicPeriodId: m.academicPeriodId, streamUrl: streamPath(m.id, m.name), createdAt: iso(m.createdAt), updatedAt: iso(m.updatedAt),
  };
}

/** A MediaError as its JSON answer; anything else goes on to app.onError. */
export function mediaFailure(c: Context, err: unknown) {
  if (err instanceof MediaError) return c.json({ error: err.message, ...err.extra }, err.status);
  throw err;
}

const folderQuery = z.object({ folder: z.string().max(500).optional() });
const folderBody = z.object({ path: z.string().max(500) });
const updateBody = z.object({ name: z.string().max(300).optional(), folder: z.string().max(500).optional() });

/** `auditTo`: where media deletes are recorded (app.ts passes its deps; tests of the bytes alone may leave it out). */
export function eventMediaRoutes(m: MediaApi, now: () => number, auditTo?: Pick<RouteDeps, 'config' | 'now' | 'writer'>) {
  const app = new Hono<AppEnv>();
  const editor = requireRole('editor');
  const id = (c: Context) => pathId(c.req.param('id') ?? '') ?? -1;

  app.get('/stream/:id/:filename', doc('A media file, for the screens (ranges supported)', 'The file', { public: true }), (c) => stream(c, m, id(c), now()));

  app.get('/', doc('The media library (one folder)', 'The items'), editor, validate('query', folderQuery), async (c) => {
    const { folder } = c.req.valid('query');
    try {
      const items = folder === undefined ? await m.service.all() : (await m.service.list(folder)).items;
      return c.json(items.map(mediaJson)); // without ?folder= every item, in every folder
    } catch (err) {
      return mediaFailure(c, err);
    }
  });
  app.post('/', doc('Upload a file (the same content twice is stored once)', 'The item', { status: 201, body: { type: 'multipart/form-data', description: 'The file' } }), editor, async (c) => {
    try {
      const length = c.req.header('content-length');
      const r = await m.service.upload(c.req.raw.body, c.req.header('content-type'), length ? Number(length) : null, c.var.user!.id);
      return c.json({ ...mediaJson(r.item), created: r.created }, r.created ? 201 : 200);
    } catch (err) {
      return mediaFailure(c, err);
    }
  });
  app.get('/folders', doc('The folders', 'The folders'), editor, async (c) => {
    const folder = c.req.query('folder') ?? '';
    try {
      const l = await m.service.list(folder);
      return c.json({ folder: l.folder, folders: l.folders });
    } catch (err) {
      return mediaFailure(c, err);
    }
  });
  app.post('/folders', doc('Create a folder', 'The folder'), editor, validate('json', folderBody), async (c) => {
    const { path } = c.req.valid('json');
    return m.service.createFolder(path).then(async () => {
      if (auditTo) await audit(c, auditTo, 'media.create-folder', path);
      return c.json({ path }, 201);
    }, (e) => mediaFailure(c, e));
  });
  app.delete('/folders', doc('Delete an empty folder'), editor, async (c) => {
    const path = c.req.query('path') ?? '';
    return m.service.removeFolder(path).then(async () => {
      if (auditTo) await audit(c, auditTo, 'media.delete-folder', path);
      return c.body(null, 204);
    }, (e) => mediaFailure(c, e));
  });
  app.get('/:id', doc('One item', 'The item'), editor, async (c) => m.service.get(id(c)).then((item) => c.json(mediaJson(item)), (e) => mediaFailure(c, e)));
  app.patch('/:id', doc('Rename or move an item', 'The item'), editor, validate('json', updateBody), async (c) => {
    const before = await m.service.get(id(c)).then(mediaJson, () => null);
    return m.service.update(id(c), c.req.valid('json')).then(async (item) => {
      if (auditTo) await audit(c, auditTo, 'media.update', item.id, { before, after: mediaJson(item) });
      return c.json(mediaJson(item));
    }, (e) => mediaFailure(c, e));
  });
  app.delete('/:id', doc('Delete an item', 'Deleted', { status: 204 }), editor, async (c) => {
    const before = await m.service.get(id(c)).then(mediaJson, () => null);
    return m.service.remove(id(c)).then(async () => {
      if (auditTo) await audit(c, auditTo, 'media.delete', id(c), { before });
      return c.body(null, 204);
    }, (e) => mediaFailure(c, e));
  });
  return app;
}

/**
 * The bytes of an item, whole (200) or one range (206); a malformed range or one past the end is
 * 416 with `Content-Range: bytes *\/size`. Open to an editor's session or a valid signature.
 */
async function stream(c: Context<AppEnv>, m: MediaApi, mediaId: number, now: number): Promise<Response> {
  const expires = c.req.query('expires');
  const sig = c.req.query('sig');
  const signed = await m.signer.verify(mediaId, expires, sig, now);
  if (!signed) {
    const user = c.var.user;
    if (expires !== undefined || sig !== undefined) throw new HTTPException(403, { message: 'the link has expired or is not valid' });
    if (!user) throw new HTTPException(401, { message: 'authentication required' });
    if (roleRank(user.role) < roleRank('editor')) throw new HTTPException(403, { message: 'requires role editor' });
  }
  const item = await m.service.get(mediaId).catch(() => null);
  if (!item) throw new HTTPException(404, { message: 'media item not found' });
  const size = (await m.files.size(item.storagePath)) ?? -1;
  if (size < 0) throw new HTTPException(404, { message: 'the file of this item is missing' });
  const headers: Record<string, string> = {
    'accept-ranges': 'bytes',
    'content-type': item.mimeType,
    etag: `"${item.fileHash}"`,
    'cache-control': signed ? 'private, max-age=3600' : 'private, no-cache',
    'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(item.name)}`,
  };
  const range = parseRange(c.req.header('range'), size);
  if (range.kind === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
  const [start, end, status] = range.kind === 'partial' ? [range.start, range.end, 206] : [0, size - 1, 200];
  headers['content-length'] = String(Math.max(0, end - start + 1));
  if (range.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${size}`;
  const body = c.req.method === 'HEAD' || size === 0 ? null : m.files.read(item.storagePath, start, end);
  return new Response(body, { status, headers });
}
