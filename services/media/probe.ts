/**
 * Metadata of an uploaded file (docs/media.md "Metadata"): duration, resolution and bitrate of a
 * video from ffprobe (Debian `ffmpeg`), the page count of a PDF read from its page tree. A file
 * the tools cannot read keeps null fields and the reason in `metadataError`.
 */
import { readFile } from 'node:fs/promises';
import type { MediaMetadata, MediaType } from '../../db/media.ts';
import { run } from './process.ts';

const EMPTY: MediaMetadata = { duration: null, width: null, height: null, bitrate: null, pageCount: null, metadataError: null };
const PROBE_TIMEOUT_MS = 30_000;

export async function probeFile(path: string, mediaType: MediaType, ffprobe = 'ffprobe'): Promise<MediaMetadata> {
  if (mediaType === 'video') return probeVideo(path, ffprobe);
  if (mediaType === 'pdf') {
    const pages = await pdfPageCount(path);
    return { ...EMPTY, pageCount: pages, metadataError: pages === null ? 'no page tree found in the PDF' : null };
  }
  return EMPTY;
}

export async function probeVideo(path: string, ffprobe = 'ffprobe'): Promise<MediaMetadata> {
  const r = await run(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], { timeoutMs: PROBE_TIMEOUT_MS });
  if (r.missing) return { ...EMPTY, metadataError: `${ffprobe} is not installed (Debian package ffmpeg)` };
  if (r.code !== 0) return { ...EMPTY, metadataError: (r.stderr.trim() || `ffprobe exited with ${r.code}`).slice(0, 500) };
  try {
    const out = JSON.parse(r.stdout) as { format?: { duration?: string; bit_rate?: string }; streams?: Array<{ codec_type?: string; width?: number; height?: number; duration?: string }> };
    const video = out.streams?.find((s) => s.codec_type === 'video');
    const num = (v: unknown) => (v === undefined || v === null || !Number.isFinite(Number(v)) ? null : Number(v));
    return {
      ...EMPTY,
      duration: num(out.format?.duration ?? video?.duration),
      width: num(video?.width),
      height: num(video?.height),
      bitrate: num(out.format?.bit_rate),
      metadataError: video ? null : 'no video stream found',
    };
  } catch {
    return { ...EMPTY, metadataError: 'ffprobe answered something that is not JSON' };
  }
}

/**
 * Pages of a PDF: the `/Count` of its root page tree (the largest count, as every intermediate
 * node counts only its own leaves), else the number of `/Type /Page` objects. PDFs that keep their
 * page tree in compressed object streams give null.
 */
export async function pdfPageCount(path: string): Promise<number | null> {
  const text = (await readFile(path)).toString('latin1');
  let best = 0;
  for (const m of text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)) best = Math.max(best, Number(m[1] ?? m[2]));
  if (best > 0) return best;
  const leaves = [...text.matchAll(/\/Type\s*\/Page(?![a-zA-Z])/g)].length;
  return leaves > 0 ? leaves : null;
}
