/**
 * What the media library accepts (docs/media.md "Limits"): file types by extension with their MIME
 * type and kind, and the checks on names and folder paths (no `..`, slashes or control characters).
 */
import type { MediaType } from '../../db/media.ts';

export interface Kind {
  mimeType: string;
  mediaType: MediaType;
}

/** Every extension the library knows; MEDIA_ALLOWED_TYPES narrows it (default: all of them). */
export const KINDS: Readonly<Record<string, Kind>> = {
  mp4: { mimeType: 'video/mp4', mediaType: 'video' },
  m4v: { mimeType: 'video/x-m4v', mediaType: 'video' },
  webm: { mimeType: 'video/webm', mediaType: 'video' },
  mkv: { mimeType: 'video/x-matroska', mediaType: 'video' },
  mov: { mimeType: 'video/quicktime', mediaType: 'video' },
  avi: { mimeType: 'video/x-msvideo', mediaType: 'video' },
  pdf: { mimeType: 'application/pdf', mediaType: 'pdf' },
  ppt: { mimeType: 'application/vnd.ms-powerpoint', mediaType: 'presentation' },
  pptx: { mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', mediaType: 'presentation' },
  odp: { mimeType: 'application/vnd.oasis.opendocument.presentation', mediaType: 'presentation' },
  fodp: { mimeType: 'application/vnd.oasis.opendocument.presentation-flat-xml', mediaType: 'presentation' },
  png: { mimeType: 'image/png', mediaType: 'image' },
  jpg: { mimeType: 'image/jpeg', mediaType: 'image' },
  jpeg: { mimeType: 'image/jpeg', mediaType: 'image' },
  gif: { mimeType: 'image/gif', mediaType: 'image' },
  webp: { mimeType: 'image/webp', mediaType: 'image' },
};

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The kind of a file name when its extension is allowed, else null (415). */
export function kindOf(name: string, allowed: ReadonlySet<string>): Kind | null {
  const ext = extensionOf(name);
  return allowed.has(ext) ? KINDS[ext] ?? null : null;
}

// C0 and C1 control characters and DEL: never part of a name (they reach logs, headers and shells).
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A file name: 1–200 characters, no slash or backslash, not `.`/`..`, no control characters. */
export function checkName(name: string): string | null {
  if (name.length === 0 || name.length > 200) return 'a name has 1 to 200 characters';
  if (CONTROL.test(name)) return 'a name may not contain control characters';
  if (/[/\\]/.test(name)) return 'a name may not contain slashes';
  if (name === '.' || name === '..' || name.includes('..')) return 'a name may not contain ".."';
  if (name.trim() !== name) return 'a name may not start or end with spaces';
  return null;
}

/** A folder path: '' (root) or names joined by single slashes, each a valid name. */
export function checkFolder(path: string): string | null {
  if (path === '') return null;
  if (path.length > 500) return 'a folder path has at most 500 characters';
  if (path.startsWith('/') || path.endsWith('/') || path.includes('//')) return 'a folder path has no leading, trailing or double slashes';
  for (const part of path.split('/')) {
    const why = checkName(part);
    if (why) return why.replace('a name', 'a folder name').replace('may not contain slashes', 'may not contain backslashes');
  }
  return null;
}
