/**
 * Signed stream URLs (docs/media.md "Signed URLs"): `…/stream/{id}/{name}?expires=<unix s>&sig=<hex>`
 * with an HMAC-SHA-256 over the item id and the expiry, so a screen fetches without a dashboard
 * session, nobody can make up a URL, and a leaked one stops working. Expiries sit on a fixed grid
 * of `renewSeconds`: every URL minted within one grid step is the same string (the scheduler's
 * event list stays byte-identical and is not republished), and is valid one more full step after
 * the scheduler switched to the next one. Web Crypto only.
 */

const enc = new TextEncoder();

export interface UrlWindow {
  expires: number; // unix seconds
  /** When the scheduler must publish the next URL (UTC ms): the end of the current grid step. */
  renewAt: number;
}

/** The expiry of URLs minted at `now`: the end of the grid step after the current one. */
export function urlWindow(now: number, renewSeconds: number): UrlWindow {
  const step = renewSeconds * 1000;
  const current = Math.floor(now / step);
  return { expires: ((current + 2) * step) / 1000, renewAt: (current + 1) * step };
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

export class UrlSigner {
  #key: Promise<CryptoKey>;

  constructor(secret: Uint8Array) {
    this.#key = crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async signature(mediaId: number, expires: number): Promise<string> {
    return hex(await crypto.subtle.sign('HMAC', await this.#key, enc.encode(`media:${mediaId}:${expires}`)));
  }

  /** The query string of a signed URL (`expires=…&sig=…`). */
  async query(mediaId: number, expires: number): Promise<string> {
    return `expires=${expires}&sig=${await this.signature(mediaId, expires)}`;
  }

  /** True when `sig` is ours for this item and `expires` lies ahead of `now`. */
  async verify(mediaId: number, expires: string | undefined, sig: string | undefined, now: number): Promise<boolean> {
    if (!expires || !sig || !/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(sig)) return false;
    if (Number(expires) * 1000 <= now) return false;
    const bytes = new Uint8Array(sig.match(/../g)!.map((h) => parseInt(h, 16)));
    return crypto.subtle.verify('HMAC', await this.#key, bytes, enc.encode(`media:${mediaId}:${expires}`));
  }
}

/** The path of an item's stream (the file name is for the screen's player; only the id counts). */
export function streamPath(mediaId: number, name: string): string {
  return `/api/eventmedia/stream/${mediaId}/${encodeURIComponent(name)}`;
}
