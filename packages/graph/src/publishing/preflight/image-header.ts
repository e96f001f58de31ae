/**
 * Format sniffing and JPEG / PNG dimension readers working on the first bytes of a file.
 * JPEG: walks the marker segments up to the first SOFn (C0–CF except C4 DHT, C8 JPG, CC DAC).
 * PNG: the IHDR chunk that must follow the 8-byte signature.
 */

/** Container formats recognised from magic bytes. */
export type SniffedFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'heic' | 'mp4' | 'mov' | 'unknown';

/** Recognises a format from its first bytes. */
export function sniffFormat(buf: Uint8Array): SniffedFormat {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (b.length >= 4 && b.toString('latin1', 0, 4) === 'GIF8') return 'gif';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP')
    return 'webp';
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp') {
    const brand = b.toString('latin1', 8, 12);
    if (/^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(brand)) return 'heic';
    if (brand === 'qt  ') return 'mov';
    return 'mp4';
  }
  // QuickTime files may start with moov/mdat/wide/free without ftyp.
  if (b.length >= 8 && /^(moov|mdat|wide|free|skip)$/.test(b.toString('latin1', 4, 8))) return 'mov';
  return 'unknown';
}

/** Pixel size. */
export interface Dimensions {
  width: number;
  height: number;
}

/** Result of {@link readJpegInfo}. */
export interface JpegInfo extends Dimensions {
  /** True when an APP2 "MPF" segment marks a multi-picture (MPO) file, which Meta rejects. */
  multiPicture: boolean;
}

/** Reads width/height from a JPEG's SOF segment; `undefined` when not found in `buf`. */
export function readJpegInfo(buf: Uint8Array): JpegInfo | undefined {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let multiPicture = false;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined; // lost sync: corrupt
    let marker = b[i + 1] ?? 0;
    while (marker === 0xff && i + 2 < b.length) {
      i++; // fill bytes
      marker = b[i + 1] ?? 0;
    }
    i += 2;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (marker === 0xd9 || marker === 0xda) return undefined; // EOI / SOS before any SOF
    if (i + 2 > b.length) return undefined;
    const len = b.readUInt16BE(i);
    if (len < 2) return undefined;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 7 > b.length) return undefined;
      const height = b.readUInt16BE(i + 3);
      const width = b.readUInt16BE(i + 5);
      return { width, height, multiPicture };
    }
    if (marker === 0xe2 && i + 6 <= b.length && b.toString('latin1', i + 2, i + 6) === 'MPF\0')
      multiPicture = true;
    i += len;
  }
  return undefined;
}

/** Reads width/height from a PNG's IHDR chunk; `undefined` when absent or malformed. */
export function readPngSize(buf: Uint8Array): Dimensions | undefined {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (sniffFormat(b) !== 'png' || b.length < 24) return undefined;
  if (b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
