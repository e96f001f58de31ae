/**
 * Minimal ISO-BMFF (MP4 / QuickTime MOV) reader: enough to check Meta's video rules from the file head.
 * Reads top-level box order (moov must come before mdat), `moov/mvhd` duration + timescale,
 * `trak/tkhd` width/height (16.16 fixed point) and the `stsd` sample-entry codec of the video track.
 */

/** One box header. `size` includes the header; `end` is `start + size` (may exceed the buffer). */
export interface BoxHeader {
  type: string;
  start: number;
  headerSize: number;
  size: number;
  end: number;
}

/** What {@link readMp4Info} found. Fields are absent when the bytes needed were not in the buffer. */
export interface Mp4Info {
  /** Top-level box types in file order (as far as the buffer shows). */
  topLevel: string[];
  /** True when `moov` appears before `mdat`; false when `mdat` comes first; undefined when neither seen. */
  moovFirst?: boolean;
  /** Byte range of the moov box, when its header was seen (lets a caller fetch it fully). */
  moovRange?: { start: number; end: number };
  /** True when the whole moov box was inside the buffer. */
  moovComplete: boolean;
  durationSec?: number;
  timescale?: number;
  width?: number;
  height?: number;
  /** Sample-entry four-cc of the video track, e.g. `avc1`, `hvc1`, `hev1`. */
  codec?: string;
  /** True when the video track has an edit list (`edts/elst`), which Meta asks to avoid. */
  hasEditList?: boolean;
}

/** Reads the box header at `offset`, or `undefined` if it does not fit. */
export function readBoxHeader(b: Buffer, offset: number): BoxHeader | undefined {
  if (offset + 8 > b.length) return undefined;
  let size = b.readUInt32BE(offset);
  const type = b.toString('latin1', offset + 4, offset + 8);
  let headerSize = 8;
  if (size === 1) {
    if (offset + 16 > b.length) return undefined;
    size = Number(b.readBigUInt64BE(offset + 8));
    headerSize = 16;
  } else if (size === 0) {
    size = Number.MAX_SAFE_INTEGER - offset; // extends to end of file
  }
  if (size < headerSize) return undefined;
  return { type, start: offset, headerSize, size, end: offset + size };
}

/** Child boxes of the region [from, to) that fit fully in the buffer. */
export function childBoxes(b: Buffer, from: number, to: number): BoxHeader[] {
  const out: BoxHeader[] = [];
  let off = from;
  const limit = Math.min(to, b.length);
  while (off + 8 <= limit) {
    const h = readBoxHeader(b, off);
    if (!h || h.end > limit) break;
    out.push(h);
    off = h.end;
  }
  return out;
}

function find(b: Buffer, parent: BoxHeader, type: string): BoxHeader | undefined {
  return childBoxes(b, parent.start + parent.headerSize, parent.end).find((c) => c.type === type);
}

function readMvhd(b: Buffer, box: BoxHeader, info: Mp4Info): void {
  const p = box.start + box.headerSize;
  const version = b[p] ?? 0;
  if (version === 1 && p + 32 <= b.length) {
    info.timescale = b.readUInt32BE(p + 20);
    info.durationSec = Number(b.readBigUInt64BE(p + 24)) / Math.max(1, info.timescale);
  } else if (p + 20 <= b.length) {
    info.timescale = b.readUInt32BE(p + 12);
    info.durationSec = b.readUInt32BE(p + 16) / Math.max(1, info.timescale);
  }
}

function readTkhdSize(b: Buffer, box: BoxHeader): { width: number; height: number } | undefined {
  const p = box.start + box.headerSize;
  const version = b[p] ?? 0;
  // version(1) flags(3) + times/ids (v0: 20 bytes, v1: 32) + reserved(8) layer(2) group(2) volume(2) reserved(2) matrix(36)
  const wOff = p + 4 + (version === 1 ? 32 : 20) + 8 + 8 + 36;
  if (wOff + 8 > b.length) return undefined;
  return { width: b.readUInt32BE(wOff) / 65536, height: b.readUInt32BE(wOff + 4) / 65536 };
}

function readTrak(b: Buffer, trak: BoxHeader, info: Mp4Info): void {
  const mdia = find(b, trak, 'mdia');
  const hdlr = mdia && find(b, mdia, 'hdlr');
  const handler = hdlr
    ? b.toString('latin1', hdlr.start + hdlr.headerSize + 8, hdlr.start + hdlr.headerSize + 12)
    : undefined;
  const tkhd = find(b, trak, 'tkhd');
  const size = tkhd ? readTkhdSize(b, tkhd) : undefined;
  const isVideo =
    handler === 'vide' || (handler === undefined && !!size && size.width > 0 && size.height > 0);
  if (!isVideo || info.codec !== undefined) return;
  if (size) {
    info.width = Math.round(size.width);
    info.height = Math.round(size.height);
  }
  const edts = find(b, trak, 'edts');
  info.hasEditList = !!(edts && find(b, edts, 'elst'));
  const minf = mdia && find(b, mdia, 'minf');
  const stbl = minf && find(b, minf, 'stbl');
  const stsd = stbl && find(b, stbl, 'stsd');
  if (stsd) {
    const first = stsd.start + stsd.headerSize + 8; // version/flags + entry_count
    if (first + 8 <= b.length) info.codec = b.toString('latin1', first + 4, first + 8);
  }
}

/** Parses what it can from the head of an MP4/MOV file. Never throws. */
export function readMp4Info(buf: Uint8Array): Mp4Info {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const info: Mp4Info = { topLevel: [], moovComplete: false };
  let off = 0;
  while (off + 8 <= b.length) {
    const h = readBoxHeader(b, off);
    if (!h) break;
    info.topLevel.push(h.type);
    if (h.type === 'mdat' && info.moovFirst === undefined) info.moovFirst = false;
    if (h.type === 'moov') {
      if (info.moovFirst === undefined) info.moovFirst = true;
      info.moovRange = { start: h.start, end: h.end };
      info.moovComplete = h.end <= b.length;
      if (info.moovComplete) {
        for (const c of childBoxes(b, h.start + h.headerSize, h.end)) {
          if (c.type === 'mvhd') readMvhd(b, c, info);
          if (c.type === 'trak') readTrak(b, c, info);
        }
      }
    }
    if (h.end <= off) break;
    off = h.end;
  }
  return info;
}
