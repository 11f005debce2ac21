/**
 * The conversion queue (docs/media.md "Presentation conversion"): jobs live in the `conversions`
 * table (pending → processing → ready | failed), unique per source, format and content hash, so
 * asking again or uploading the same file again converts nothing new. At most `concurrency` jobs
 * run (1 by default: LibreOffice is heavy); a job caught in `processing` by a stop runs again at
 * the next start. The PDF becomes a library item of its own, next to its source.
 */
import {
  ensureConversionStatement, failedStatement, getConversion, pendingConversions, readyStatement, requeueStatement,
  resumeProcessingStatement, startedStatement, type Conversion,
} from '../../db/conversions.ts';
import type { Db } from '../../db/client.ts';
import type { Writes } from '../../db/logs.ts';
import type { MediaItem } from '../../db/media.ts';
import { logger } from '../../lib/logger.ts';
import { copyStored, type MediaFiles } from '../media/files.ts';
import { extensionOf } from '../media/kinds.ts';
import { MediaError, type MediaService } from '../media/service.ts';
import type { Converter } from './libreoffice.ts';

const log = logger('conversion');
export const TARGET = 'pdf';

export interface QueueDeps {
  db: Db;
  writer: Writes;
  files: MediaFiles;
  media: MediaService;
  convert: Converter;
  timeoutMs: number; // CONVERSION_TIMEOUT_SECONDS
  concurrency: number; // CONVERSION_CONCURRENCY
  now: () => number;
  /** After a job ended ready (the scheduler's media directory is reloaded). */
  onReady?: (sourceId: number) => Promise<void>;
}

export class ConversionQueue {
  #running = new Set<number>();
  #idle: Array<() => void> = [];
  #stopped = false;

  constructor(readonly d: QueueDeps) {}

  /** Jobs a stop interrupted run again; pending ones start. */
  async start(): Promise<void> {
    await this.d.writer.write(resumeProcessingStatement());
    void this.#kick();
  }

  stop(): void {
    this.#stopped = true;
  }

  /**
   * Makes sure a PDF of this presentation exists or is on its way; `explicit` (a person asked)
   * also retries a failed job. Answers the job and whether it was new.
   */
  async ensure(item: MediaItem, explicit = true): Promise<{ job: Conversion; created: boolean }> {
    if (item.mediaType !== 'presentation') throw new MediaError(415, `only presentations (.ppt, .pptx, .odp) are converted, not .${extensionOf(item.name)}`);
    const before = await getConversion(this.d.db, item.id, TARGET, item.fileHash);
    if (!before) await this.d.writer.write(ensureConversionStatement(item.id, TARGET, item.fileHash, this.d.now()));
    else if (before.status === 'failed' && explicit) await this.d.writer.write(requeueStatement(before.id, this.d.now()));
    void this.#kick();
    const job = (await getConversion(this.d.db, item.id, TARGET, item.fileHash))!;
    return { job, created: !before || (before.status === 'failed' && job.status !== 'failed') };
  }

  /** Resolves when no job runs and none is pending (tests). */
  async whenIdle(): Promise<void> {
    while (this.#running.size > 0 || (!this.#stopped && (await pendingConversions(this.d.db)).length > 0)) {
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
  }

  async #kick(): Promise<void> {
    if (this.#stopped || this.#running.size >= this.d.concurrency) return;
    const next = (await pendingConversions(this.d.db)).find((j) => !this.#running.has(j.id));
    if (!next || this.#running.has(next.id) || this.#running.size >= this.d.concurrency) return this.#wake();
    this.#running.add(next.id);
    void this.#kick(); // more slots may be free
    try {
      await this.#runJob(next);
    } catch (err) {
      log.error(`conversion ${next.id} failed unexpectedly`, err);
      await this.d.writer.write(failedStatement(next.id, `internal error: ${(err as Error).message}`, this.d.now())).catch(() => {});
    } finally {
      this.#running.delete(next.id);
      this.#wake();
      void this.#kick();
    }
  }

  #wake(): void {
    for (const w of this.#idle.splice(0)) w();
  }

  async #runJob(job: Conversion): Promise<void> {
    await this.d.writer.write(startedStatement(job.id, this.d.now()));
    const source = await this.d.media.get(job.sourceMediaId).catch(() => null);
    if (!source) return; // deleted meanwhile: its jobs went with it
    const work = await this.d.files.makeTempDir();
    try {
      const input = `${work}/${source.fileHash.slice(0, 16)}.${extensionOf(source.name)}`;
      await copyStored(this.d.files, source.storagePath, input);
      const started = this.d.now();
      const r = await this.d.convert(input, work, this.d.timeoutMs);
      if (!r.ok) {
        log.warn(`conversion ${job.id} of "${source.name}" failed: ${r.reason}`);
        return void (await this.d.writer.write(failedStatement(job.id, r.reason, this.d.now())));
      }
      const pdfName = `${source.name.replace(/\.[^.]+$/, '')}.pdf`;
      const pdf = await this.d.media.addDerived(r.pdf, pdfName, source.folder);
      await this.d.writer.write(readyStatement(job.id, { path: pdf.storagePath, mediaId: pdf.id }, this.d.now()));
      log.info(`converted "${source.name}" to PDF item ${pdf.id} in ${this.d.now() - started} ms`);
      await this.d.onReady?.(source.id);
    } finally {
      await this.d.files.discard(work);
    }
  }
}
