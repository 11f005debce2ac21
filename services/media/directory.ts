/**
 * The scheduler's view of the media library (docs/media.md "Signed URLs"): every item's wire
 * metadata in memory, and for a given time the signed stream URLs of the current grid step, so
 * building an event list stays synchronous and cheap. A presentation resolves to the PDF its
 * ready conversion made. Reloaded by the runtime after every media change.
 */
import type { Db } from '../../db/client.ts';
import { readyPdfBySource } from '../../db/conversions.ts';
import { listMedia, type MediaItem } from '../../db/media.ts';
import type { MediaLinks, MediaRef } from '../../lib/schedule/wire.ts';
import { streamPath, urlWindow, type UrlSigner } from './signing.ts';

export interface DirectoryDeps {
  db: Db;
  signer: UrlSigner;
  baseUrl: string; // PUBLIC_URL, else http://HOST:PORT: the address screens reach
  renewSeconds: number; // MEDIA_URL_RENEW_SECONDS
}

export class MediaDirectory implements MediaLinks {
  #items = new Map<number, MediaItem>();
  #pdfOf = new Map<number, number>();
  #signed = new Map<number, string>(); // id → query of the current window
  #expires = 0;

  constructor(readonly d: DirectoryDeps) {}

  async reload(): Promise<void> {
    const [items, pdfs] = await Promise.all([listMedia(this.d.db), readyPdfBySource(this.d.db)]);
    this.#items = new Map(items.map((i) => [i.id, i]));
    this.#pdfOf = pdfs;
    this.#signed.clear();
    this.#expires = 0;
  }

  /** The lookup for a cycle at `now`, and when its URLs must be replaced. */
  async at(now: number): Promise<{ lookup: (id: number) => MediaRef | null; renewAt: number }> {
    const w = urlWindow(now, this.d.renewSeconds);
    if (w.expires !== this.#expires) {
      this.#signed.clear();
      this.#expires = w.expires;
    }
    for (const id of this.#items.keys()) if (!this.#signed.has(id)) this.#signed.set(id, await this.d.signer.query(id, w.expires));
    return { lookup: (id) => this.#ref(id), renewAt: w.renewAt };
  }

  #ref(id: number): MediaRef | null {
    let item = this.#items.get(id);
    if (item?.mediaType === 'presentation') item = this.#items.get(this.#pdfOf.get(id) ?? -1);
    const query = item && this.#signed.get(item.id);
    if (!item || !query) return null;
    return {
      url: `${this.d.baseUrl}${streamPath(item.id, item.name)}?${query}`,
      mimeType: item.mimeType,
      size: item.size,
      duration: item.duration,
      pageCount: item.pageCount,
    };
  }
}
