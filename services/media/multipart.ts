/**
 * A streaming `multipart/form-data` reader on web streams (docs/media.md "Upload"): yields each
 * part with its headers and a body that is read chunk by chunk, so a file of any size passes
 * through a few kilobytes of memory. Hono's `parseBody()` and @mjackson/multipart-parser 0.10
 * hold whole parts in memory, and busboy needs Node streams; this file needs neither (Node and Deno).
 * The caller consumes (or skips) each part's body before asking for the next part.
 */

export class MultipartError extends Error {
  override name = 'MultipartError';
}

export interface Part {
  name: string | null; // form field name
  filename: string | null;
  contentType: string | null;
  /** The part's bytes; iterate once, before the next part. */
  body: AsyncIterable<Uint8Array>;
}

const CRLF = new Uint8Array([13, 10]);
const MAX_HEADER_BYTES = 16 * 1024;
const enc = new TextEncoder();

export function boundaryOf(contentType: string | undefined | null): string | null {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return null;
  const m = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  for (let i = hay.indexOf(first, from); i !== -1 && i <= hay.length - needle.length; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Content-Disposition `name` / `filename` (quoted or not); `filename*` (RFC 5987) wins when present. */
function dispositionParam(value: string, key: string): string | null {
  const star = new RegExp(`;\\s*${key}\\*=(?:UTF-8|utf-8)''([^;]*)`).exec(value);
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      return null;
    }
  }
  const m = new RegExp(`;\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`).exec(value);
  if (!m) return null;
  if (m[2] !== undefined) return m[2].trim();
  // Browsers send `"`, CR and LF of a quoted name as %22, %0D, %0A (WHATWG multipart/form-data encoding).
  return m[1].replace(/\\(.)/g, '$1').replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

/** Reads the parts of a multipart body one after another. */
export async function* readParts(body: ReadableStream<Uint8Array>, boundary: string): AsyncGenerator<Part> {
  const reader = body.getReader();
  let buf: Uint8Array = new Uint8Array(0);
  let done = false;
  const pull = async (): Promise<boolean> => {
    if (done) return false;
    const r = await reader.read();
    if (r.done) return !(done = true);
    buf = concat(buf, r.value);
    return true;
  };
  const delimiter = enc.encode(`\r\n--${boundary}`);
  try {
    // The first boundary may come without the CRLF before it.
    buf = concat(CRLF, buf);
    let at: number;
    while ((at = indexOf(buf, delimiter)) === -1) if (!(await pull())) throw new MultipartError('no multipart boundary found');
    buf = buf.subarray(at + delimiter.length);
    for (;;) {
      while (buf.length < 2) if (!(await pull())) throw new MultipartError('multipart body ends too early');
      if (buf[0] === 45 && buf[1] === 45) return; // "--": the closing boundary
      let end: number;
      while ((end = indexOf(buf, enc.encode('\r\n\r\n'))) === -1) {
        if (buf.length > MAX_HEADER_BYTES) throw new MultipartError('multipart part headers too large');
        if (!(await pull())) throw new MultipartError('multipart body ends inside part headers');
      }
      const headers = new TextDecoder().decode(buf.subarray(2, end)).split('\r\n');
      buf = buf.subarray(end + 4);
      const header = (k: string) => headers.find((h) => h.toLowerCase().startsWith(`${k}:`))?.slice(k.length + 1).trim() ?? null;
      const disposition = header('content-disposition') ?? '';
      let finished = false;
      async function* partBody(): AsyncGenerator<Uint8Array> {
        for (;;) {
          const hit = indexOf(buf, delimiter);
          if (hit !== -1) {
            if (hit > 0) yield buf.slice(0, hit);
            buf = buf.subarray(hit + delimiter.length);
            finished = true;
            return;
          }
          // Keep what could be the start of the delimiter; hand out the rest.
          const keep = Math.min(buf.length, delimiter.length - 1);
          if (buf.length > keep) {
            const out = buf.slice(0, buf.length - keep);
            buf = buf.subarray(buf.length - keep);
            yield out;
          }
          if (!(await pull())) throw new MultipartError('multipart body ends inside a part');
        }
      }
      const iter = partBody();
      yield {
        name: dispositionParam(disposition, 'name'),
        filename: dispositionParam(disposition, 'filename'),
        contentType: header('content-type'),
        // No `return()`: a caller breaking out of its loop must not close the reader's generator.
        body: { [Symbol.asyncIterator]: () => ({ next: () => iter.next() }) },
      };
      if (!finished) for await (const _ of iter); // the caller skipped the rest of this part
    }
  } finally {
    reader.releaseLock();
  }
}
