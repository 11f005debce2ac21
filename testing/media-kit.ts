/**
 * Shared set-up of the media tests (not a test file itself): the real app with the media routes
 * over a real database and a temporary DATA_DIR, multipart bodies, tiny real files made by the
 * real tools, and `toolTests`, which registers a suite as skipped (never passed) when a Debian
 * tool it needs (ffmpeg, LibreOffice) is missing, like tests/browser-kit.ts does for chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { test as uvuTest } from 'uvu';
import { createApp } from '../app.ts';
import { fixture, type Fixture } from './route-fixture.ts';
import { ConversionQueue } from '../services/conversion/queue.ts';
import { libreOffice, type Converter } from '../services/conversion/libreoffice.ts';
import { MediaDirectory } from '../services/media/directory.ts';
import { MediaFiles } from '../services/media/files.ts';
import { KINDS } from '../services/media/kinds.ts';
import { MediaService } from '../services/media/service.ts';
import { UrlSigner } from '../services/media/signing.ts';

export function hasTool(name: string): boolean {
  return ['/usr/bin', '/usr/local/bin', '/bin'].some((d) => existsSync(join(d, name)));
}

/** uvu's `test`, unchanged when the tools exist; otherwise every case is registered as skipped. */
export function toolTests(t: typeof uvuTest, tools: string[], suite: string): typeof uvuTest {
  const missing = tools.filter((x) => !hasTool(x));
  if (!missing.length) return t;
  console.log(`NOTICE: ${missing.join(', ')} missing: ${suite} skipped`);
  const skipped = ((name: string, fn: Parameters<typeof t.skip>[1]) => t.skip(name, fn)) as typeof uvuTest;
  return Object.assign(skipped, { before: t.before, after: t.after, only: t.only, skip: t.skip, run: t.run });
}

export interface MediaKit extends Fixture {
  mediaApp: ReturnType<typeof createApp>;
  service: MediaService;
  files: MediaFiles;
  signer: UrlSigner;
  queue: ConversionQueue;
  directory: MediaDirectory;
  changed: number[][];
  dir: string;
  /** Files under DATA_DIR/media/tmp (what an aborted upload must not leave behind). */
  tempFiles(): string[];
  objectFiles(): string[];
  done(): Promise<void>;
}

export async function mediaKit(opts: { maxBytes?: number; allowed?: string[]; root?: string; convert?: Converter; timeoutMs?: number } = {}): Promise<MediaKit> {
  const f = await fixture();
  const dir = mkdtempSync(join(tmpdir(), 'infoscreen-media-'));
  const files = new MediaFiles(opts.root ?? join(dir, 'media'));
  await files.init();
  const signer = new UrlSigner(new TextEncoder().encode('test secret'));
  const changed: number[][] = [];
  const now = () => f.clock.t;
  const service = new MediaService({
    db: f.db, writer: f.writer, files, now,
    limits: { maxBytes: opts.maxBytes ?? 50 * 1024 * 1024, allowed: new Set(opts.allowed ?? Object.keys(KINDS)) },
    onChanged: async (ids) => void changed.push(ids),
  });
  const queue = new ConversionQueue({
    db: f.db, writer: f.writer, files, media: service, now, concurrency: 1, timeoutMs: opts.timeoutMs ?? 120_000,
    convert: opts.convert ?? libreOffice({ soffice: 'soffice', listDir: (d) => files.listDir(d) }),
  });
  const directory = new MediaDirectory({ db: f.db, signer, baseUrl: 'http://screens.test', renewSeconds: 3600 });
  const mediaApp = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, brokerStatus: () => ({ connected: true }),
    now, media: { service, files, signer, conversions: queue }, ...f.parts,
  });
  const list = (sub: string) => {
    const out: string[] = [];
    const walk = (d: string) => {
      if (!existsSync(d)) return;
      for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : out.push(join(d, e.name));
    };
    walk(join(files.root, sub));
    return out;
  };
  return {
    ...f, mediaApp, service, files, signer, queue, directory, changed, dir,
    tempFiles: () => list('tmp'),
    objectFiles: () => list('objects'),
    done: async () => {
      queue.stop();
      await f.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A multipart/form-data request body with one file (and optional text fields), as a browser sends it. */
export function multipart(file: { name: string; bytes: Uint8Array | string; type?: string } | null, fields: Record<string, string> = {}, cookie?: string): RequestInit {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([file.bytes as BlobPart], { type: file.type ?? 'application/octet-stream' }), file.name);
  return { method: 'POST', body: form, headers: { ...(cookie ? { cookie } : {}), origin: 'http://localhost' } };
}

/** A 1-second 64×48 test video made by the real ffmpeg. */
export function makeVideo(dir: string, name = 'clip.mp4', seconds = 1): string {
  const out = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=64x48:rate=10`, '-pix_fmt', 'yuv420p', out]);
  return out;
}

/** A two-slide flat ODF presentation (plain XML LibreOffice opens like an .odp). */
export const FODP = `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
 <office:body><office:presentation>
  <draw:page draw:name="one"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box><text:p>Slide one</text:p></draw:text-box></draw:frame></draw:page>
  <draw:page draw:name="two"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box><text:p>Slide two</text:p></draw:text-box></draw:frame></draw:page>
 </office:presentation></office:body>
</office:document>
`;
