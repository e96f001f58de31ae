/**
 * The emulated internet's media files: a `fetch` that serves, for any media URL, a file whose bytes match the
 * media-URL convention ({@link describeMediaUrl}) — a JPEG with its SOF dimensions, a PNG with its IHDR, an
 * MP4/MOV whose `moov` (before `mdat`) carries the duration, the track size and the codec — so a media
 * preflight (HEAD, then range GETs of the head) reads exactly what the emulated Meta will see, with no network.
 * The file is padded with zeros up to its `size`; only the requested range is ever built.
 */
import { UNREACHABLE_HOST } from '../core/urls.js';
import { describeMediaUrl } from './media-url.js';

const VIDEO_FORMATS = new Set(['mp4', 'mov', 'avi', 'webm', 'mkv']);
const CONTENT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  mpo: 'image/jpeg',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  avi: 'video/x-msvideo',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
};
const CODEC_FOURCC: Record<string, string> = { h264: 'avc1', hevc: 'hvc1', vp9: 'vp09', av1: 'av01' };

/** Image or video, as the URL tells: a video format (hint or extension) or a `duration`/`codec` hint. */
export function mediaKindOfUrl(url: string): 'image' | 'video' {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'image';
  }
  const q = u.searchParams;
  const ext = /\.([a-z0-9]+)$/i.exec(u.pathname)?.[1]?.toLowerCase() ?? '';
  const format = (q.get('format') ?? ext).toLowerCase();
  return VIDEO_FORMATS.has(format) || q.has('duration') || q.has('codec') ? 'video' : 'image';
}

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

function mp4Head(p: { width: number; height: number; durationSec: number; codec: string; format: string }) {
  const timescale = 1000;
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(timescale, 12);
  mvhd.writeUInt32BE(Math.round(p.durationSec * timescale), 16);
  const tkhd = Buffer.alloc(84);
  tkhd.writeUInt32BE(Math.round(p.width * 65536), 76);
  tkhd.writeUInt32BE(Math.round(p.height * 65536), 80);
  const hdlr = Buffer.alloc(25);
  hdlr.write('vide', 8, 'latin1');
  const entryType = CODEC_FOURCC[p.codec] ?? (p.codec.padEnd(4, ' ').slice(0, 4) || 'avc1');
  const stsdHead = Buffer.alloc(8);
  stsdHead.writeUInt32BE(1, 4);
  const stsd = box('stsd', stsdHead, box(entryType, Buffer.alloc(78)));
  const moov = box(
    'moov',
    box('mvhd', mvhd),
    box('trak', box('tkhd', tkhd), box('mdia', box('hdlr', hdlr), box('minf', box('stbl', stsd)))),
  );
  const ftyp = box('ftyp', Buffer.from(p.format === 'mov' ? 'qt  \0\0\0\0qt  ' : 'isom\0\0\0\0isommp41'));
  return Buffer.concat([ftyp, moov, Buffer.from([0, 0, 0, 0]), Buffer.from('mdat', 'latin1')]);
}

function imageHead(format: string, width: number, height: number): Buffer {
  if (format === 'jpeg' || format === 'mpo') {
    const sof = Buffer.alloc(19);
    sof.writeUInt16BE(0xffc0, 0);
    sof.writeUInt16BE(17, 2);
    sof[4] = 8;
    sof.writeUInt16BE(height, 5);
    sof.writeUInt16BE(width, 7);
    sof[9] = 3;
    return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xda, 0, 2])]);
  }
  if (format === 'png') {
    const ihdr = Buffer.alloc(25);
    ihdr.writeUInt32BE(13, 0);
    ihdr.write('IHDR', 4, 'latin1');
    ihdr.writeUInt32BE(width, 8);
    ihdr.writeUInt32BE(height, 12);
    ihdr[16] = 8;
    ihdr[17] = 2;
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
  }
  if (format === 'gif') return Buffer.from('GIF89a', 'latin1');
  if (format === 'webp') return Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1');
  return Buffer.from(`${format}\0`, 'latin1');
}

function fileHead(url: string): { head: Buffer; size: number; contentType: string } | undefined {
  const kind = mediaKindOfUrl(url);
  const p = describeMediaUrl(url, kind);
  if (p.unreachable) return undefined;
  const head =
    p.format === 'mp4' || p.format === 'mov'
      ? mp4Head(p)
      : p.format === 'avi'
        ? Buffer.from('RIFF\0\0\0\0AVI ', 'latin1')
        : p.format === 'webm' || p.format === 'mkv'
          ? Buffer.from([0x1a, 0x45, 0xdf, 0xa3])
          : imageHead(p.format, p.width, p.height);
  if (head.length >= 8 && head.toString('latin1', head.length - 4) === 'mdat')
    head.writeUInt32BE(Math.max(8, p.sizeBytes - (head.length - 8)), head.length - 8);
  return {
    head,
    size: Math.max(p.sizeBytes, head.length),
    contentType: CONTENT_TYPES[p.format] ?? 'application/octet-stream',
  };
}

/** Bytes [from, to] of the file: its head, then zeros. */
function slice(head: Buffer, from: number, to: number): Buffer {
  const out = Buffer.alloc(to - from + 1);
  if (from < head.length) head.copy(out, 0, from, Math.min(head.length, to + 1));
  return out;
}

/** Largest range answered at once (a preflight reads 64 KiB, and a `moov` of up to a few MiB). */
const MAX_RANGE = 16 * 1024 * 1024;

/**
 * A `fetch` for media URLs under the emulator's convention: `HEAD` answers type and length, `GET` with
 * `Range: bytes=a-b` answers 206 with those bytes (a `GET` without a range is refused with 416 rather than
 * building a large file). Hosts named `unreachable.invalid` and non-http(s) URLs fail as a network error.
 */
export function emulatedMediaFetch(): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (new URL(url).hostname === UNREACHABLE_HOST) throw new TypeError('fetch failed');
    const file = fileHead(url);
    if (!file) throw new TypeError('fetch failed');
    const headers = new Headers({ 'content-type': file.contentType, 'accept-ranges': 'bytes' });
    if (method === 'HEAD') {
      headers.set('content-length', String(file.size));
      return new Response(null, { status: 200, headers });
    }
    const range = new Headers(init?.headers).get('range') ?? '';
    const m = /^bytes=(\d+)-(\d*)$/.exec(range);
    const from = m ? Number(m[1]) : Number.NaN;
    const to = m?.[2] ? Math.min(Number(m[2]), file.size - 1) : file.size - 1;
    if (!m || from > to || to - from + 1 > MAX_RANGE)
      return new Response(null, {
        status: 416,
        headers: { 'content-range': `bytes */${file.size}` },
      });
    headers.set('content-range', `bytes ${from}-${to}/${file.size}`);
    return new Response(new Uint8Array(slice(file.head, from, to)), { status: 206, headers });
  };
}
