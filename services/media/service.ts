/**
 * The media library on behalf of a person (docs/media.md): upload (streamed, hashed, one item per
 * content), the file manager (folders, rename, move, delete unless an event uses the item) and
 * the items a conversion produces. Writes go through the one writer; every change is reported to
 * `onChanged` (the runtime reloads the scheduler's media directory and republishes groups using it).
 */
import type { Db } from '../../db/client.ts';
import type { Writes } from '../../db/logs.ts';
import { conversionSourcesOf } from '../../db/conversions.ts';
import {
  deleteFolderStatement, deleteMediaStatement, eventsUsingMedia, folderHasContent, getMedia, getMediaByHash, insertFolderStatement,
  insertMediaStatement, listFolders, listMedia, renameMediaStatement, type MediaItem, type MediaUse,
} from '../../db/media.ts';
import { checkFolder, checkName, extensionOf, KINDS, kindOf } from './kinds.ts';
import { boundaryOf, MultipartError, readParts } from './multipart.ts';
import { DiskFullError, MediaFiles, TooLargeError } from './files.ts';
import { probeFile } from './probe.ts';

/** A refusal with its HTTP status (routes answer it as `{error, …extra}`). */
export class MediaError extends Error {
  override name = 'MediaError';
  constructor(readonly status: 400 | 404 | 409 | 413 | 415 | 507, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

export interface MediaLimits {
  maxBytes: number; // MEDIA_MAX_UPLOAD_MB
  allowed: ReadonlySet<string>; // MEDIA_ALLOWED_TYPES (extensions)
}

export interface MediaServiceDeps {
  db: Db;
  writer: Writes;
  files: MediaFiles;
  limits: MediaLimits;
  ffprobe?: string;
  now: () => number;
  /** After any change of these items (upload, rename, delete, new metadata). */
  onChanged?: (ids: number[]) => Promise<void>;
  /** After an upload created an item (presentations are queued for conversion). */
  onCreated?: (item: MediaItem) => Promise<void>;
}

export interface Listing {
  folder: string;
  folders: string[]; // direct sub-folders (full paths)
  items: MediaItem[];
}

const FIELD_MAX = 1024; // bytes of a text field (folder)

export class MediaService {
  constructor(readonly d: MediaServiceDeps) {}

  get limits(): MediaLimits {
    return this.d.limits;
  }

  async get(id: number): Promise<MediaItem> {
    const item = await getMedia(this.d.db, id);
    if (!item) throw new MediaError(404, 'media item not found');
    return item;
  }

  async all(): Promise<MediaItem[]> {
    return listMedia(this.d.db);
  }

  async list(folder = ''): Promise<Listing> {
    const bad = checkFolder(folder);
    if (bad) throw new MediaError(400, bad);
    const all = await listFolders(this.d.db);
    const prefix = folder === '' ? '' : `${folder}/`;
    const folders = all.filter((f) => f.startsWith(prefix) && f !== folder && !f.slice(prefix.length).includes('/'));
    return { folder, folders, items: await listMedia(this.d.db, { folder }) };
  }

  /**
   * Reads a multipart body: field `file` (required) and `folder` (optional). The file is streamed
   * to disk, never held whole in memory; checks on name and type come before a byte is stored.
   */
  async upload(body: ReadableStream<Uint8Array> | null, contentType: string | undefined, contentLength: number | null, userId: number | null): Promise<{ item: MediaItem; created: boolean }> {
    const boundary = boundaryOf(contentType);
    if (!boundary || !body) throw new MediaError(400, 'send multipart/form-data with a field "file"');
    // A declared length far above the limit is refused before reading (the form's other fields are small).
    if (contentLength !== null && contentLength > this.d.limits.maxBytes + 64 * 1024) throw tooLarge(this.d.limits.maxBytes);
    let folder = '';
    let received: { tmp: string; size: number; sha256: string; name: string } | null = null;
    try {
      for await (const part of readParts(body, boundary)) {
        if (part.name === 'folder' && part.filename === null) folder = await text(part.body);
        else if (part.name === 'file' && part.filename !== null && !received) {
          const name = part.filename.normalize('NFC');
          const bad = checkName(name);
          if (bad) throw new MediaError(400, `file name: ${bad}`);
          if (!kindOf(name, this.d.limits.allowed)) throw unsupported(name, this.d.limits.allowed);
          received = { ...(await this.d.files.receive(part.body, this.d.limits.maxBytes)), name };
        }
      }
      if (!received) throw new MediaError(400, 'the multipart body has no field "file" with a file');
      const bad = checkFolder(folder);
      if (bad) throw new MediaError(400, `folder: ${bad}`);
      const r = received;
      received = null; // from here on `store` owns the temporary file
      return await this.#store(r, folder, userId);
    } catch (err) {
      if (received) await this.d.files.discard(received.tmp);
      if (err instanceof TooLargeError) throw tooLarge(err.limit);
      if (err instanceof DiskFullError) throw new MediaError(507, err.message);
      if (err instanceof MultipartError) throw new MediaError(400, err.message);
      throw err;
    }
  }

  async #store(r: { tmp: string; size: number; sha256: string; name: string }, folder: string, userId: number | null): Promise<{ item: MediaItem; created: boolean }> {
    const existing = await getMediaByHash(this.d.db, r.sha256);
    if (existing) {
      await this.d.files.discard(r.tmp);
      return { item: existing, created: false };
    }
    const kind = KINDS[extensionOf(r.name)];
    const storagePath = await this.d.files.keep(r.tmp, r.sha256);
    const meta = await probeFile(this.d.files.absolute(storagePath), kind.mediaType, this.d.ffprobe);
    const draft = { name: r.name, folder, mediaType: kind.mediaType, mimeType: kind.mimeType, size: r.size, fileHash: r.sha256, storagePath, uploadedBy: userId, ...meta };
    return this.#insert(draft);
  }

  /** Inserts (or finds, when the same content won a race) and announces a new item. */
  async #insert(draft: Parameters<typeof insertMediaStatement>[0]): Promise<{ item: MediaItem; created: boolean }> {
    await this.d.writer.write(insertMediaStatement(draft, this.d.now()));
    const item = (await getMediaByHash(this.d.db, draft.fileHash))!;
    const created = item.createdAt === item.updatedAt && item.name === draft.name && item.folder === draft.folder && item.uploadedBy === draft.uploadedBy;
    if (created) {
      await this.d.onChanged?.([item.id]);
      await this.d.onCreated?.(item);
    }
    return { item, created };
  }

  /** A file made on the server (a converted PDF): registered like an upload, next to its source. */
  async addDerived(path: string, name: string, folder: string): Promise<MediaItem> {
    const { size, sha256 } = await this.d.files.hashFile(path);
    const existing = await getMediaByHash(this.d.db, sha256);
    if (existing) return existing;
    const kind = KINDS[extensionOf(name)];
    const storagePath = await this.d.files.keep(path, sha256);
    const meta = await probeFile(this.d.files.absolute(storagePath), kind.mediaType, this.d.ffprobe);
    const draft = { name, folder, mediaType: kind.mediaType, mimeType: kind.mimeType, size, fileHash: sha256, storagePath, uploadedBy: null, ...meta };
    return (await this.#insert(draft)).item;
  }

  /** Rename and/or move; the extension (the item's type) stays. */
  async update(id: number, to: { name?: string; folder?: string }): Promise<MediaItem> {
    const item = await this.get(id);
    const name = to.name?.normalize('NFC') ?? item.name;
    const folder = to.folder ?? item.folder;
    const bad = checkName(name) ?? checkFolder(folder);
    if (bad) throw new MediaError(400, bad);
    if (extensionOf(name) !== extensionOf(item.name)) throw new MediaError(400, `the extension stays .${extensionOf(item.name)}`);
    await this.d.writer.write(renameMediaStatement(id, { name, folder }, this.d.now()));
    await this.d.onChanged?.([id]);
    return this.get(id);
  }

  /** Deletes an item and its file; refused (409, naming them) while events use it or a presentation converted into it. */
  async remove(id: number): Promise<void> {
    const item = await this.get(id);
    const users = await this.usedBy(item.id);
    if (users.length) {
      const names = users.map((u) => `${u.title} (#${u.eventId})`).join(', ');
      throw new MediaError(409, `in use by ${users.length === 1 ? 'event' : 'events'} ${names}`, { events: users.map((u) => ({ id: u.eventId, title: u.title, groupId: u.groupId })) });
    }
    await this.d.writer.write(deleteMediaStatement(id));
    await this.d.files.remove(item.storagePath);
    await this.d.onChanged?.([id]);
  }

  /** Events using the item directly, or through the presentation it was converted from. */
  async usedBy(id: number): Promise<MediaUse[]> {
    return eventsUsingMedia(this.d.db, [id, ...(await conversionSourcesOf(this.d.db, id))]);
  }

  async createFolder(path: string): Promise<void> {
    const bad = path === '' ? 'a folder needs a name' : checkFolder(path);
    if (bad) throw new MediaError(400, bad);
    await this.d.writer.write(insertFolderStatement(path, this.d.now()));
  }

  /** Only an empty folder goes (items are deleted one by one, each checked for use). */
  async removeFolder(path: string): Promise<void> {
    const bad = path === '' ? 'the root folder stays' : checkFolder(path);
    if (bad) throw new MediaError(400, bad);
    if (await folderHasContent(this.d.db, path)) throw new MediaError(409, 'the folder is not empty');
    await this.d.writer.write(deleteFolderStatement(path));
  }
}

async function text(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  const dec = new TextDecoder();
  for await (const c of chunks) {
    out += dec.decode(c, { stream: true });
    if (out.length > FIELD_MAX) throw new MediaError(400, 'a form field is too long');
  }
  return (out + dec.decode()).trim();
}

function tooLarge(limit: number): MediaError {
  return new MediaError(413, `the file is larger than the limit of ${Math.floor(limit / 1048576)} MiB (MEDIA_MAX_UPLOAD_MB)`, { limitBytes: limit });
}

function unsupported(name: string, allowed: ReadonlySet<string>): MediaError {
  const ext = extensionOf(name);
  return new MediaError(415, `${ext ? `.${ext}` : 'a file without extension'} is not an allowed type (allowed: ${[...allowed].sort().join(', ')})`);
}
