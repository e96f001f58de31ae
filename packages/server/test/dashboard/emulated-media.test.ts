/**
 * The embedded emulator's media files read through the library's real preflight: what it learns (format,
 * size, dimensions, duration, codec) is what the URL convention says, and Meta's limits apply to it.
 */
import { emulatedMediaFetch } from '@igkit/emulator';
import { preflightMedia } from '@igkit/graph';
import { describe, expect, it } from 'vitest';

const opts = (url: string) => ({ fetch: emulatedMediaFetch(), allowHosts: [new URL(url).hostname] });
const check = (url: string, target: Parameters<typeof preflightMedia>[1]) =>
  preflightMedia(url, target, opts(url));

describe('emulated media files through preflightMedia', () => {
  it('a JPEG: format, bytes and dimensions from the URL', async () => {
    const url = 'https://cdn.example.com/a.jpg?w=1080&h=1350&size=2m';
    const r = await check(url, 'feed_image');
    expect(r).toMatchObject({
      ok: true,
      info: { format: 'jpeg', width: 1080, height: 1350, bytes: 2 * 1024 * 1024 },
    });
  });

  it('an image outside 4:5 … 1.91:1 fails on aspect ratio; a PNG fails on format', async () => {
    const tall = await check('https://cdn.example.com/t.jpg?w=1000&h=2000', 'feed_image');
    expect(tall).toMatchObject({ ok: false, reason: 'aspect_ratio' });
    const png = await check('https://cdn.example.com/p.png?w=1080&h=1080', 'feed_image');
    expect(png.ok).toBe(false);
    expect(png.ok ? '' : png.reason).toMatch(/unsupported_(content_type|format)/);
  });

  it('an MP4 reel: duration, size and codec from its moov box', async () => {
    const r = await check('https://cdn.example.com/r.mp4?duration=12&w=720&h=1280&codec=hevc', 'reel');
    expect(r).toMatchObject({ ok: true, info: { durationSec: 12, width: 720, height: 1280, codec: 'hvc1' } });
    const short = await check('https://cdn.example.com/s.mp4?duration=2', 'reel');
    expect(short).toMatchObject({ ok: false, reason: 'duration' });
  });

  it('the unreachable host fails as unreachable, and only ranges are served', async () => {
    const r = await check('https://unreachable.invalid/x.jpg', 'feed_image');
    expect(r).toMatchObject({ ok: false, reason: 'unreachable' });
    const whole = await emulatedMediaFetch()('https://cdn.example.com/a.jpg');
    expect(whole.status).toBe(416);
  });
});
