/**
 * Composition of the media library and the conversion queue for runtime.ts (docs/media.md): files
 * under DATA_DIR/media, the URL key, the scheduler's directory, and the hooks between them (a new
 * presentation is queued for conversion; a change reloads the directory and republishes the
 * groups whose events use the item).
 */
import { join } from 'node:path';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { Writes } from '../../db/logs.ts';
import { eventsUsingMedia } from '../../db/media.ts';
import { logger } from '../../lib/logger.ts';
import { ConversionQueue } from '../conversion/queue.ts';
import { libreOffice } from '../conversion/libreoffice.ts';
import { MediaDirectory } from './directory.ts';
import { loadUrlSecret, MediaFiles } from './files.ts';
import { KINDS } from './kinds.ts';
import { MediaService } from './service.ts';
import { UrlSigner } from './signing.ts';

const log = logger('media');

/** What the HTTP doors of the library use (routes/eventmedia.ts, conversions.ts, pages/media.ts). */
export interface MediaApi {
  service: MediaService;
  files: MediaFiles;
  signer: UrlSigner;
  conversions: ConversionQueue;
}

export interface MediaSetup {
  api: MediaApi;
  directory: MediaDirectory;
  /** Starts the conversion queue (pending jobs resume). */
  start(): Promise<void>;
  stop(): void;
}

export async function setupMedia(d: {
  config: Readonly<Config>;
  db: Db;
  writer: Writes;
  now: () => number;
  /** Republishes these groups (the scheduler, once it exists). */
  republish: (groups: number[]) => Promise<void>;
}): Promise<MediaSetup> {
  const c = d.config;
  const files = new MediaFiles(join(c.DATA_DIR!, 'media'));
  await files.init();
  const signer = new UrlSigner(await loadUrlSecret(join(c.DATA_DIR!, 'media-url-secret'), c.MEDIA_URL_SECRET));
  const publicUrl = c.PUBLIC_URL ?? `http://${c.HOST}:${c.PORT}`;
  if (!c.PUBLIC_URL) log.info(`signed media URLs use ${publicUrl}; set PUBLIC_URL to the address the screens reach`);
  const directory = new MediaDirectory({ db: d.db, signer, baseUrl: publicUrl, renewSeconds: c.MEDIA_URL_RENEW_SECONDS });
  await directory.reload();
  const unknown = (c.MEDIA_ALLOWED_TYPES ?? []).filter((x) => !KINDS[x]);
  if (unknown.length) log.warn(`MEDIA_ALLOWED_TYPES: the library does not know ${unknown.join(', ')} (ignored)`);
  const changed = async (ids: number[]) => {
    await directory.reload();
    const groups = [...new Set((await eventsUsingMedia(d.db, ids)).map((u) => u.groupId))];
    if (groups.length) await d.republish(groups);
  };
  let queue: ConversionQueue | null = null;
  const service = new MediaService({
    db: d.db, writer: d.writer, files, now: d.now, ffprobe: c.FFPROBE_PATH,
    limits: { maxBytes: c.MEDIA_MAX_UPLOAD_MB * 1024 * 1024, allowed: new Set(c.MEDIA_ALLOWED_TYPES ?? Object.keys(KINDS)) },
    onChanged: changed,
    // The original converted every uploaded presentation at once; so do we.
    onCreated: async (item) => void (item.mediaType === 'presentation' && (await queue?.ensure(item, false))),
  });
  queue = new ConversionQueue({
    db: d.db, writer: d.writer, files, media: service, now: d.now,
    convert: libreOffice({ soffice: c.SOFFICE_PATH!, listDir: (dir) => files.listDir(dir) }),
    timeoutMs: c.CONVERSION_TIMEOUT_SECONDS * 1000,
    concurrency: c.CONVERSION_CONCURRENCY,
    onReady: (sourceId) => changed([sourceId]),
  });
  const q = queue;
  return {
    api: { service, files, signer, conversions: q },
    directory,
    start: () => q.start(),
    stop: () => q.stop(),
  };
}
