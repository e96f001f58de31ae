/**
 * Deciding whether a media URL is an image or a video, without fetching it.
 *
 * Rule (first match wins):
 * 1. A `format` query parameter (the emulator's hint, also handy for extension-less CDN URLs), e.g.
 *    `?format=mp4` → video, `?format=jpg` → image.
 * 2. The extension of the last path segment (case-insensitive): {@link VIDEO_EXTENSIONS} → video,
 *    {@link IMAGE_EXTENSIONS} → image.
 * 3. Otherwise: image (the seed connector's behaviour; Meta's own error tells the caller if it was wrong).
 */

/** What kind of media a URL points at. */
export type MediaKind = 'image' | 'video';

/** Extensions (and `format` values) treated as video. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  'mp4',
  'mov',
  'm4v',
  'qt',
  'webm',
  'mkv',
  'avi',
  'mpeg',
  'mpg',
  '3gp',
  'video',
]);

/** Extensions (and `format` values) treated as image. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  'jpg',
  'jpeg',
  'jpe',
  'png',
  'gif',
  'webp',
  'heic',
  'heif',
  'bmp',
  'tif',
  'tiff',
  'image',
]);

function classify(token: string | null | undefined): MediaKind | undefined {
  if (!token) return undefined;
  const t = token.toLowerCase().replace(/^\./, '');
  if (VIDEO_EXTENSIONS.has(t)) return 'video';
  if (IMAGE_EXTENSIONS.has(t)) return 'image';
  // MIME-style hints: `?format=video/mp4`.
  if (t.startsWith('video/')) return 'video';
  if (t.startsWith('image/')) return 'image';
  return undefined;
}

/** The lower-cased extension of the URL's last path segment, or `undefined`. */
export function urlExtension(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split(/[?#]/)[0] ?? '';
  }
  const last = path.split('/').pop() ?? '';
  const dot = last.lastIndexOf('.');
  return dot > 0 && dot < last.length - 1 ? last.slice(dot + 1).toLowerCase() : undefined;
}

/** Decides image vs video for a media URL (see the module comment for the rule). */
export function detectMediaKind(url: string): MediaKind {
  let hint: string | null = null;
  try {
    hint = new URL(url).searchParams.get('format');
  } catch {
    hint = null;
  }
  return classify(hint) ?? classify(urlExtension(url)) ?? 'image';
}
