/**
 * URL checks shared by modules: what counts as an http(s) URL, and the host that stands for
 * "Meta cannot download this" in the emulator's media URL convention (docs/emulator.md).
 */

/** The host that stands for an unfetchable URL (9004 / 2207052 for media, 2018008 for attachments). */
export const UNREACHABLE_HOST = 'unreachable.invalid';

/** The parsed URL when `v` is an absolute http(s) URL, else `undefined`. */
export function parseHttpUrl(v: unknown): URL | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `v` is an absolute http(s) URL. */
export function isHttpUrl(v: unknown): v is string {
  return parseHttpUrl(v) !== undefined;
}
