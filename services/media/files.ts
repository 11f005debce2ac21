/**
 * The media library's files on disk (docs/media.md "Storage"): the one module that reads and writes
 * them. Uploads stream into `tmp/` while being hashed (SHA-256), then move by rename into
 * `objects/<2 hex>/<hash>`, so a file is either complete under its hash or not there at all.
 * Reads hand out web ReadableStreams of a byte range. `node:fs` is the only platform API used
 * (Deno 2 provides it too).
 */
import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class TooLargeError extends Error {
  override name = 'TooLargeError';
  constructor(readonly limit: number) {
    super(`the file is larger than the limit of ${limit} bytes`);
  }
}

/** The disk (or the quota) filled up while writing. */
export class DiskFullError extends Error {
  override name = 'DiskFullError';
}

export interface Received {
  tmp: string; // absolute path of the complete temporary file
  size: number;
  sha256: string; // hex
}

const CHUNK = 64 * 1024;

function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
}

export class MediaFiles {
  readonly root: string; // DATA_DIR/media

  constructor(root: string) {
    this.root = root;
  }

  /** Creates the folders and removes temporary files a crash left behind. */
  async init(): Promise<void> {
    await mkdir(join(this.root, 'objects'), { recursive: true });
    await rm(join(this.root, 'tmp'), { recursive: true, force: true });
    await mkdir(join(this.root, 'tmp'), { recursive: true });
  }

  absolute(rel: string): string {
    return join(this.root, rel);
  }

  /** A fresh path under tmp/ (nothing created); `suffix` keeps an extension tools look at. */
  tempPath(suffix = ''): string {
    return join(this.root, 'tmp', `${randomUUID()}${suffix}`);
  }

  /**
   * Writes the chunks to a temporary file, hashing as they pass. More than `maxBytes` → TooLargeError,
   * a full disk → DiskFullError; on any failure the temporary file is removed.
   */
  async receive(chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Received> {
    const tmp = this.tempPath();
    const hash = createHash('sha256');
    let size = 0;
    const fh = await open(tmp, 'wx', 0o640);
    try {
      for await (const chunk of chunks) {
        size += chunk.length;
        if (size > maxBytes) throw new TooLargeError(maxBytes);
        hash.update(chunk);
        let off = 0;
        while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
      }
      await fh.sync();
      await fh.close();
      return { tmp, size, sha256: hash.digest('hex') };
    } catch (err) {
      await fh.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      if (isDiskFull(err)) throw new DiskFullError(`the disk is full (${(err as { code: string }).code}): the upload was not stored`);
      throw err;
    }
  }

  /** SHA-256 and size of a file already on disk (a conversion's output). */
  async hashFile(path: string): Promise<{ size: number; sha256: string }> {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of this.read(path, 0, Infinity, true)) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { size, sha256: hash.digest('hex') };
  }

  /** Moves a complete temporary file to its content address; an existing copy (same hash) stays. */
  async keep(tmp: string, sha256: string): Promise<string> {
    const rel = join('objects', sha256.slice(0, 2), sha256);
    await mkdir(join(this.root, 'objects', sha256.slice(0, 2)), { recursive: true });
    if (await this.size(rel) !== null) await unlink(tmp).catch(() => {});
    else await rename(tmp, join(this.root, rel));
    return rel;
  }

  async discard(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }

  async size(rel: string): Promise<number | null> {
    try {
      return (await stat(join(this.root, rel))).size;
    } catch {
      return null;
    }
  }

  async remove(rel: string): Promise<void> {
    await unlink(join(this.root, rel)).catch(() => {});
  }

  async makeTempDir(): Promise<string> {
    const dir = this.tempPath();
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async listDir(dir: string): Promise<string[]> {
    return readdir(dir).catch(() => []);
  }

  /** Bytes `start`…`end` (inclusive) of a stored file as a web stream (`absolute`: `rel` is a full path). */
  read(rel: string, start: number, end: number, absolute = false): ReadableStream<Uint8Array> {
    const path = absolute ? rel : join(this.root, rel);
    let fh: Awaited<ReturnType<typeof open>> | null = null;
    let pos = start;
    return new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        fh ??= await open(path, 'r');
        const want = Math.min(CHUNK, end - pos + 1);
        const buf = new Uint8Array(want);
        const { bytesRead } = want > 0 ? await fh.read(buf, 0, want, pos) : { bytesRead: 0 };
        if (bytesRead === 0) {
          await fh.close();
          fh = null;
          ctrl.close();
          return;
        }
        pos += bytesRead;
        ctrl.enqueue(buf.subarray(0, bytesRead));
      },
      async cancel() {
        await fh?.close();
        fh = null;
      },
    });
  }
}

/** Copies a stored file to `dest` (a tool that wants a real extension gets its own copy). */
export async function copyStored(files: MediaFiles, rel: string, dest: string): Promise<void> {
  await copyFile(files.absolute(rel), dest);
}

/**
 * The HMAC key of signed stream URLs: `MEDIA_URL_SECRET` when set, else 32 random bytes generated
 * once and kept in `path` (mode 0600), so URLs survive a restart.
 */
export async function loadUrlSecret(path: string, configured?: string): Promise<Uint8Array> {
  if (configured) return new TextEncoder().encode(configured);
  try {
    const hex = (await readFile(path, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  } catch {
    // first start: generate below
  }
  const key = crypto.getRandomValues(new Uint8Array(32));
  await writeFile(path, [...key].map((b) => b.toString(16).padStart(2, '0')).join('') + '\n', { mode: 0o600 });
  return key;
}
