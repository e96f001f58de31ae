/**
 * The media URL convention. The emulator has no internet: it derives what Meta would have learned
 * by downloading a media URL from the URL itself.
 *
 * Query hints (all optional): `w`, `h` (pixels), `format` (jpeg, png, gif, webp, heic, mp4, mov,
 * avi, webm …; else taken from the path's extension), `size` (bytes; `k`/`m` suffix allowed),
 * `duration` (seconds), `codec` (h264, hevc, vp9, av1 …), `processMs` (processing time override),
 * `fail` (an error subcode the container ends with, e.g. 2207003). Host `unreachable.invalid` =
 * unfetchable (9004 / 2207052).
 */
import { UNREACHABLE_HOST } from '../core/urls.js';

/** What the emulator "downloaded". */
export interface MediaProps {
  kind: 'image' | 'video';
  width: number;
  height: number;
  format: string;
  sizeBytes: number;
  /** Seconds (video). */
  durationSec: number;
  codec: string;
  processMs?: number;
  failSubcode?: number;
  unreachable: boolean;
  /** The URL is not parseable or not http(s). */
  invalid: boolean;
}

const IMAGE_DEFAULT = { width: 1080, height: 1080, format: 'jpeg', sizeBytes: 1_200_000 };
const VIDEO_DEFAULT = {
  width: 1080,
  height: 1920,
  format: 'mp4',
  sizeBytes: 12_000_000,
  durationSec: 15,
  codec: 'h264',
};

const EXT_FORMAT: Record<string, string> = {
  jpg: 'jpeg',
  jpeg: 'jpeg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
  heic: 'heic',
  mpo: 'mpo',
  mp4: 'mp4',
  mov: 'mov',
  avi: 'avi',
  webm: 'webm',
  mkv: 'mkv',
};

function num(v: string | null): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function bytes(v: string | null): number | undefined {
  if (v === null) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]i?[bB]?)?\s*$/.exec(v);
  if (m === null) return undefined;
  const unit = (m[2] ?? '').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * mult);
}

/** Derives media properties from a URL by the convention above. */
export function describeMediaUrl(url: string, kind: 'image' | 'video'): MediaProps {
  const base = kind === 'image' ? { ...IMAGE_DEFAULT, durationSec: 0, codec: '' } : { ...VIDEO_DEFAULT };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { kind, ...base, unreachable: true, invalid: true };
  }
  const q = u.searchParams;
  const ext = /\.([a-z0-9]+)$/i.exec(u.pathname)?.[1]?.toLowerCase();
  const format = (
    q.get('format') ??
    (ext === undefined ? undefined : EXT_FORMAT[ext]) ??
    base.format
  ).toLowerCase();
  const props: MediaProps = {
    kind,
    width: num(q.get('w')) ?? base.width,
    height: num(q.get('h')) ?? base.height,
    format: format === 'jpg' ? 'jpeg' : format,
    sizeBytes: bytes(q.get('size')) ?? base.sizeBytes,
    durationSec: num(q.get('duration')) ?? base.durationSec,
    codec: (q.get('codec') ?? base.codec).toLowerCase(),
    unreachable: u.hostname === UNREACHABLE_HOST || !/^https?:$/.test(u.protocol),
    invalid: !/^https?:$/.test(u.protocol),
  };
  const p = num(q.get('processMs'));
  if (p !== undefined && p >= 0) props.processMs = p;
  const f = num(q.get('fail'));
  if (f !== undefined) props.failSubcode = f;
  return props;
}

/** Default properties of a resumable upload (no URL to read hints from). */
export function uploadedVideoProps(sizeBytes: number): MediaProps {
  return { kind: 'video', ...VIDEO_DEFAULT, sizeBytes, unreachable: false, invalid: false };
}
