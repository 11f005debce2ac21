/**
 * `/media` and `/media/conversions` (docs/media.md "Pages"), editor and up: the file manager of
 * one folder (sub-folders, upload, rename / move, delete, convert) and the conversion jobs. Plain
 * forms answered with a redirect (POST-redirect-GET); refusals re-render the page with the
 * reason from the message catalog. The upload streams like the API's.
 */
import { Hono, type Context } from 'hono';
import { listConversions, readyPdfBySource } from '../../db/conversions.ts';
import { render } from './hx.ts';
import { mediaJson, type MediaApi } from '../eventmedia.ts';
import { audit } from '../audit-record.ts';
import type { AppEnv } from '../middleware/session.ts';
import { MediaError } from '../../services/media/service.ts';
import { pageContext, pageRole, type PageDeps } from './kit.ts';

const DONE = new Set(['uploaded', 'saved', 'deleted', 'folder', 'folderDeleted', 'convert']);

export function mediaPages(deps: PageDeps, m: MediaApi) {
  const app = new Hono<AppEnv>();
  const editor = pageRole('editor', deps);
  const mb = Math.floor(m.service.limits.maxBytes / 1048576);

  const page = async (c: Context<AppEnv>, folder: string, extra: { error?: string; notice?: string; status?: 200 | 400 | 404 | 409 | 413 | 415 | 507 } = {}) => {
    const it = pageContext(c, deps);
    const safe = await m.service.list(folder).catch(() => m.service.list(''));
    const done = c.req.query('done');
    const dup = c.req.query('duplicate');
    const notice = extra.notice ?? (dup ? it.t('media.done.duplicate', { name: dup }) : done && DONE.has(done) ? it.t(`media.done.${done}` as 'media.done.saved') : null);
    const jobs = new Map((await listConversions(deps.db)).map((j) => [j.sourceMediaId, j]));
    const data = { ...it, title: it.t('media.title'), listing: safe, mb, notice, error: extra.error ?? null, jobs, pdfs: await readyPdfBySource(deps.db) };
    const res = render(c, { page: 'media', data });
    // render() knows the page statuses; a refused upload answers its own (413, 415, 507).
    return extra.status ? new Response(res.body, { status: extra.status, headers: res.headers }) : res;
  };

  /** A refusal in the reader's language (the API's English message stays in the JSON API). */
  const refusal = (c: Context<AppEnv>, err: unknown, folder: string) => {
    if (!(err instanceof MediaError)) throw err;
    const t = pageContext(c, deps).t;
    const events = (err.extra.events as Array<{ title: string; id: number }> | undefined)?.map((e) => `${e.title} (#${e.id})`).join(', ');
    const text =
      err.status === 409 ? (events ? t('media.err.409', { events }) : t('media.err.409folder'))
      : err.status === 413 ? t('media.err.413', { mb })
      : err.status === 415 ? t('media.err.415', { types: [...m.service.limits.allowed].sort().join(', ') })
      : t(`media.err.${err.status}` as 'media.err.400');
    return page(c, folder, { error: text, status: err.status });
  };
  const back = (folder: string, done: string) => `/media?${new URLSearchParams({ ...(folder ? { folder } : {}), done })}`;
  const form = async (c: Context<AppEnv>) => (await c.req.parseBody()) as Record<string, string>;
  const idOf = (c: Context<AppEnv>) => (/^\d{1,12}$/.test(c.req.param('id') ?? '') ? Number(c.req.param('id')) : -1);

  app.get('/media', editor, (c) => page(c, c.req.query('folder') ?? ''));

  app.post('/media/upload', editor, async (c) => {
    const length = c.req.header('content-length');
    try {
      const r = await m.service.upload(c.req.raw.body, c.req.header('content-type'), length ? Number(length) : null, c.var.user!.id);
      const to = new URLSearchParams({ ...(r.item.folder ? { folder: r.item.folder } : {}), ...(r.created ? { done: 'uploaded' } : { duplicate: r.item.name }) });
      return c.redirect(`/media?${to}`, 303);
    } catch (err) {
      return refusal(c, err, c.req.query('folder') ?? '');
    }
  });

  app.post('/media/folders', editor, async (c) => {
    const f = await form(c);
    const parent = f.parent ?? '';
    const path = parent ? `${parent}/${(f.name ?? '').trim()}` : (f.name ?? '').trim();
    return m.service.createFolder(path).then(async () => {
      await audit(c, deps, 'media.create-folder', path);
      return c.redirect(back(path, 'folder'), 303);
    }, (e) => refusal(c, e, parent));
  });
  app.post('/media/folders/delete', editor, async (c) => {
    const path = (await form(c)).path ?? '';
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    return m.service.removeFolder(path).then(async () => {
      await audit(c, deps, 'media.delete-folder', path);
      return c.redirect(back(parent, 'folderDeleted'), 303);
    }, (e) => refusal(c, e, path));
  });
  app.post('/media/:id/update', editor, async (c) => {
    const f = await form(c);
    const before = await m.service.get(idOf(c)).then(mediaJson, () => null);
    return m.service.update(idOf(c), { name: f.name?.trim(), folder: f.folder?.trim() }).then(
      async (item) => {
        await audit(c, deps, 'media.update', item.id, { before, after: mediaJson(item) });
        return c.redirect(back(item.folder, 'saved'), 303);
      },
      (e) => refusal(c, e, f.current ?? ''),
    );
  });
  app.post('/media/:id/delete', editor, async (c) => {
    const folder = (await form(c)).current ?? '';
    const before = await m.service.get(idOf(c)).then(mediaJson, () => null);
    return m.service.remove(idOf(c)).then(async () => {
      await audit(c, deps, 'media.delete', idOf(c), { before });
      return c.redirect(back(folder, 'deleted'), 303);
    }, (e) => refusal(c, e, folder));
  });
  app.post('/media/:id/convert', editor, async (c) => {
    const folder = (await form(c)).current ?? '';
    try {
      await m.conversions.ensure(await m.service.get(idOf(c)));
      return c.redirect(back(folder, 'convert'), 303);
    } catch (err) {
      return refusal(c, err, folder);
    }
  });

  app.get('/media/conversions', editor, async (c) => {
    const it = pageContext(c, deps);
    return render(c, { page: 'media-conversions', data: { ...it, title: it.t('conv.title'), jobs: await listConversions(deps.db) } });
  });
  return app;
}
