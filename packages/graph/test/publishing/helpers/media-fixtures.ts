/** Builders for tiny but structurally valid media headers (never downloaded; built in code). */

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** A JPEG header: SOI, APP0 (JFIF), optional APP2 MPF, a DQT, SOFn with the size, SOS, some data, EOI. */
export function jpeg(
  width: number,
  height: number,
  opts: { sof?: number; mpo?: boolean; padding?: number } = {},
): Buffer {
  const seg = (marker: number, payload: Buffer) =>
    Buffer.concat([Buffer.from([0xff, marker]), u16(payload.length + 2), payload]);
  const parts = [Buffer.from([0xff, 0xd8])];
  parts.push(
    seg(0xe0, Buffer.concat([Buffer.from('JFIF\0', 'latin1'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])])),
  );
  if (opts.mpo) parts.push(seg(0xe2, Buffer.concat([Buffer.from('MPF\0', 'latin1'), Buffer.alloc(8)])));
  if (opts.padding) parts.push(seg(0xfe, Buffer.alloc(opts.padding, 0x20))); // COM segment
  parts.push(seg(0xdb, Buffer.alloc(65)));
  parts.push(Buffer.from([0xff, 0xff])); // a fill byte before the next marker
  parts.push(
    seg(
      opts.sof ?? 0xc0,
      Buffer.concat([
        Buffer.from([8]),
        u16(height),
        u16(width),
        Buffer.from([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]),
      ]),
    ),
  );
  parts.push(seg(0xda, Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0])));
  parts.push(Buffer.from([0x12, 0x34, 0xff, 0xd9]));
  return Buffer.concat(parts);
}

/** A PNG signature + IHDR chunk (+ IEND). CRCs are zero; readers do not check them. */
export function png(width: number, height: number): Buffer {
  const ihdr = Buffer.concat([u32(width), u32(height), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    u32(13),
    Buffer.from('IHDR', 'latin1'),
    ihdr,
    u32(0),
    u32(0),
    Buffer.from('IEND', 'latin1'),
    u32(0),
  ]);
}

/** An ISO-BMFF box. */
export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
}

export interface Mp4Spec {
  durationSec?: number;
  timescale?: number;
  width?: number;
  height?: number;
  codec?: string;
  moovFirst?: boolean;
  mdatBytes?: number;
  brand?: string;
  mvhdVersion?: 0 | 1;
  editList?: boolean;
  /** Padding (bytes) inside moov via a `free` box, to make moov larger than a head read. */
  moovPadding?: number;
}

/** A minimal MP4/MOV: ftyp, moov(mvhd, trak(tkhd, mdia(hdlr, minf(stbl(stsd))))), mdat. */
export function mp4(spec: Mp4Spec = {}): Buffer {
  const timescale = spec.timescale ?? 1000;
  const duration = Math.round((spec.durationSec ?? 10) * timescale);
  const tail = Buffer.alloc(80);
  const mvhd =
    spec.mvhdVersion === 1
      ? box(
          'mvhd',
          Buffer.from([1, 0, 0, 0]),
          Buffer.alloc(16),
          u32(timescale),
          Buffer.concat([u32(Math.floor(duration / 2 ** 32)), u32(duration)]),
          tail,
        )
      : box('mvhd', Buffer.from([0, 0, 0, 0]), u32(0), u32(0), u32(timescale), u32(duration), tail);
  const tkhd = box(
    'tkhd',
    Buffer.from([0, 0, 0, 3]),
    Buffer.alloc(20),
    Buffer.alloc(8),
    Buffer.alloc(8),
    Buffer.alloc(36),
    u32((spec.width ?? 1080) * 65536),
    u32((spec.height ?? 1920) * 65536),
  );
  const hdlr = box(
    'hdlr',
    Buffer.alloc(4),
    Buffer.alloc(4),
    Buffer.from('vide', 'latin1'),
    Buffer.alloc(12),
    Buffer.from('\0'),
  );
  const entry = box(spec.codec ?? 'avc1', Buffer.alloc(78));
  const stsd = box('stsd', Buffer.alloc(4), u32(1), entry);
  const trak = box(
    'trak',
    tkhd,
    ...(spec.editList ? [box('edts', box('elst', Buffer.alloc(8)))] : []),
    box('mdia', box('mdhd', Buffer.alloc(24)), hdlr, box('minf', box('stbl', stsd))),
  );
  const soundTrak = box(
    'trak',
    box('tkhd', Buffer.from([0, 0, 0, 3]), Buffer.alloc(80)),
    box(
      'mdia',
      box(
        'hdlr',
        Buffer.alloc(4),
        Buffer.alloc(4),
        Buffer.from('soun', 'latin1'),
        Buffer.alloc(12),
        Buffer.from('\0'),
      ),
      box('minf', box('stbl', box('stsd', Buffer.alloc(4), u32(1), box('mp4a', Buffer.alloc(28))))),
    ),
  );
  const moov = box(
    'moov',
    mvhd,
    soundTrak,
    trak,
    ...(spec.moovPadding ? [box('free', Buffer.alloc(spec.moovPadding))] : []),
  );
  const ftyp = box(
    'ftyp',
    Buffer.from(spec.brand ?? 'isom', 'latin1'),
    u32(512),
    Buffer.from('isomiso2avc1mp41', 'latin1'),
  );
  const mdat = box('mdat', Buffer.alloc(spec.mdatBytes ?? 64));
  return spec.moovFirst === false ? Buffer.concat([ftyp, mdat, moov]) : Buffer.concat([ftyp, moov, mdat]);
}
