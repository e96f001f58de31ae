import { describe, expect, it } from 'vitest';
import { readJpegInfo, readPngSize, sniffFormat } from '../../src/publishing/preflight/image-header.js';
import { checkImage, checkSize, checkVideo, VIDEO_LIMITS } from '../../src/publishing/preflight/limits.js';
import { readMp4Info } from '../../src/publishing/preflight/mp4-boxes.js';
import { jpeg, mp4, png } from './helpers/media-fixtures.js';

describe('image headers', () => {
  it('reads JPEG dimensions from SOF0 and progressive SOF2, past fill bytes and other segments', () => {
    expect(readJpegInfo(jpeg(1080, 1350))).toEqual({ width: 1080, height: 1350, multiPicture: false });
    expect(readJpegInfo(jpeg(640, 480, { sof: 0xc2, padding: 300 }))).toMatchObject({
      width: 640,
      height: 480,
    });
  });

  it('does not mistake DHT (C4) for a frame header and detects MPO', () => {
    expect(readJpegInfo(jpeg(100, 100, { sof: 0xc4 }))).toBeUndefined();
    expect(readJpegInfo(jpeg(1080, 1080, { mpo: true }))).toMatchObject({ multiPicture: true });
  });

  it('returns undefined for truncated or non-JPEG input', () => {
    const j = jpeg(1080, 1080);
    expect(readJpegInfo(j.subarray(0, 30))).toBeUndefined();
    expect(readJpegInfo(png(1, 1))).toBeUndefined();
  });

  it('reads PNG IHDR and sniffs formats', () => {
    expect(readPngSize(png(800, 600))).toEqual({ width: 800, height: 600 });
    expect(sniffFormat(png(1, 1))).toBe('png');
    expect(sniffFormat(jpeg(1, 1))).toBe('jpeg');
    expect(sniffFormat(mp4())).toBe('mp4');
    expect(sniffFormat(mp4({ brand: 'qt  ' }))).toBe('mov');
    expect(sniffFormat(Buffer.from('GIF89a'))).toBe('gif');
    expect(sniffFormat(Buffer.from('hello world!'))).toBe('unknown');
  });
});

describe('MP4/MOV boxes', () => {
  it('reads duration, timescale, video-track size and codec (skipping the sound track)', () => {
    expect(
      readMp4Info(mp4({ durationSec: 12.5, timescale: 600, width: 1080, height: 1920, codec: 'hvc1' })),
    ).toMatchObject({
      moovFirst: true,
      moovComplete: true,
      durationSec: 12.5,
      timescale: 600,
      width: 1080,
      height: 1920,
      codec: 'hvc1',
      hasEditList: false,
    });
  });

  it('handles version-1 mvhd and reports edit lists', () => {
    expect(readMp4Info(mp4({ durationSec: 30, mvhdVersion: 1, editList: true }))).toMatchObject({
      durationSec: 30,
      hasEditList: true,
    });
  });

  it('detects moov after mdat', () => {
    const info = readMp4Info(mp4({ moovFirst: false }));
    expect(info.moovFirst).toBe(false);
    expect(info.topLevel).toEqual(['ftyp', 'mdat', 'moov']);
  });

  it('reports an incomplete moov with its byte range', () => {
    const file = mp4({ moovPadding: 5000 });
    const info = readMp4Info(file.subarray(0, 1000));
    expect(info).toMatchObject({ moovFirst: true, moovComplete: false });
    expect(info.moovRange!.end).toBeGreaterThan(1000);
    expect(info.durationSec).toBeUndefined();
  });
});

describe('limits', () => {
  it('accepts 4:5 and 1.91:1 exactly and refuses just outside', () => {
    expect(checkImage('feed_image', 'jpeg', { width: 1080, height: 1350 })).toBeUndefined();
    expect(checkImage('feed_image', 'jpeg', { width: 1910, height: 1000 })).toBeUndefined();
    expect(checkImage('feed_image', 'jpeg', { width: 1080, height: 1351 })).toMatchObject({
      reason: 'aspect_ratio',
    });
    expect(checkImage('carousel_image', 'jpeg', { width: 1920, height: 1000 })).toMatchObject({
      reason: 'aspect_ratio',
    });
    expect(checkImage('story_image', 'jpeg', { width: 1080, height: 1920 })).toBeUndefined();
  });

  it('accepts only JPEG images (PNG and MPO refused)', () => {
    expect(checkImage('feed_image', 'png', { width: 1080, height: 1080 })).toMatchObject({
      reason: 'unsupported_format',
    });
    expect(checkImage('feed_image', 'jpeg', { width: 1080, height: 1080 }, true)).toMatchObject({
      reason: 'unsupported_format',
      details: { format: 'mpo' },
    });
  });

  it('checks video duration per target, codec, width and moov position', () => {
    const ok = readMp4Info(mp4({ durationSec: 30 }));
    expect(checkVideo('reel', 'mp4', ok)).toBeUndefined();
    expect(checkVideo('story_video', 'mp4', readMp4Info(mp4({ durationSec: 61 })))).toMatchObject({
      reason: 'duration',
    });
    expect(checkVideo('reel', 'mp4', readMp4Info(mp4({ durationSec: 2 })))).toMatchObject({
      reason: 'duration',
    });
    expect(checkVideo('reel', 'mp4', readMp4Info(mp4({ codec: 'vp09' })))).toMatchObject({
      reason: 'codec',
      details: { codec: 'vp09' },
    });
    expect(checkVideo('reel', 'mp4', readMp4Info(mp4({ width: 3840, height: 2160 })))).toMatchObject({
      reason: 'too_wide',
    });
    expect(checkVideo('reel', 'mp4', readMp4Info(mp4({ moovFirst: false })))).toMatchObject({
      reason: 'moov_not_at_front',
    });
    expect(checkVideo('reel', 'webp', ok)).toMatchObject({ reason: 'unsupported_format' });
  });

  it('holds carousel video children to the reel limits (Meta gives none of their own)', () => {
    expect(VIDEO_LIMITS.carousel_video).toEqual(VIDEO_LIMITS.reel);
    // 61 s is too long for a story but fine for a reel and a carousel child.
    const minute = readMp4Info(mp4({ durationSec: 61 }));
    expect(checkVideo('carousel_video', 'mp4', minute)).toBeUndefined();
    expect(checkVideo('carousel_video', 'mp4', readMp4Info(mp4({ durationSec: 15 * 60 + 1 })))).toMatchObject(
      {
        reason: 'duration',
        details: { maxSec: 900 },
      },
    );
    expect(checkSize('carousel_video', 300 * 1024 * 1024)).toBeUndefined();
    expect(checkSize('carousel_video', 300 * 1024 * 1024 + 1)).toMatchObject({ reason: 'too_large' });
  });
});
