import { describe, expect, it } from 'vitest';
import { preflightMedia } from '../../src/publishing/preflight/probe.js';
import { fakeMediaFetch } from './helpers/fake-media-server.js';
import { jpeg, mp4, png } from './helpers/media-fixtures.js';

const publicDns = async () => [{ address: '93.184.216.34', family: 4 }];
const U = 'https://cdn.example.com';

function probe(files: Parameters<typeof fakeMediaFetch>[0]) {
  const fake = fakeMediaFetch(files);
  return { ...fake, opts: { fetch: fake.fetch, lookup: publicDns, timeoutMs: 200 } };
}

describe('preflightMedia: images', () => {
  it('accepts a 4:5 JPEG with one HEAD and one range GET of the first 64 KiB', async () => {
    const p = probe({ [`${U}/a.jpg`]: { body: jpeg(1080, 1350), contentType: 'image/jpeg' } });
    const r = await preflightMedia(`${U}/a.jpg`, 'feed_image', p.opts);
    expect(r).toMatchObject({
      ok: true,
      info: { format: 'jpeg', width: 1080, height: 1350, contentType: 'image/jpeg' },
    });
    expect(p.log.map((x) => `${x.method} ${x.range ?? ''}`)).toEqual(['HEAD ', 'GET bytes=0-65535']);
  });

  it('refuses a JPEG outside 4:5…1.91:1 with reason aspect_ratio', async () => {
    const p = probe({ [`${U}/wide.jpg`]: { body: jpeg(2000, 1000), contentType: 'image/jpeg' } });
    expect(await preflightMedia(`${U}/wide.jpg`, 'feed_image', p.opts)).toMatchObject({
      ok: false,
      code: 'MEDIA_ERROR',
      reason: 'aspect_ratio',
      retryable: false,
      details: { width: 2000, height: 1000 },
    });
  });

  it('refuses PNG by content type before downloading, and by magic when served as octet-stream', async () => {
    const p = probe({
      [`${U}/a.png`]: { body: png(1080, 1080), contentType: 'image/png' },
      [`${U}/b`]: { body: png(1080, 1080), contentType: 'application/octet-stream' },
    });
    expect(await preflightMedia(`${U}/a.png`, 'feed_image', p.opts)).toMatchObject({
      reason: 'unsupported_content_type',
    });
    expect(p.log.filter((x) => x.method === 'GET')).toHaveLength(0);
    expect(await preflightMedia(`${U}/b`, 'feed_image', p.opts)).toMatchObject({
      reason: 'unsupported_format',
      details: { format: 'png' },
    });
  });

  it('refuses files over 8 MiB from Content-Length without a GET', async () => {
    const p = probe({
      [`${U}/big.jpg`]: {
        body: Buffer.concat([jpeg(1080, 1080), Buffer.alloc(8 * 1024 * 1024)]),
        contentType: 'image/jpeg',
      },
    });
    expect(await preflightMedia(`${U}/big.jpg`, 'feed_image', p.opts)).toMatchObject({ reason: 'too_large' });
    expect(p.log.map((x) => x.method)).toEqual(['HEAD']);
  });

  it('falls back to GET when HEAD is not allowed and learns the size from Content-Range', async () => {
    const p = probe({
      [`${U}/nohead.jpg`]: { body: jpeg(1080, 1080), contentType: 'image/jpeg', headStatus: 405 },
    });
    const r = await preflightMedia(`${U}/nohead.jpg`, 'feed_image', p.opts);
    expect(r).toMatchObject({ ok: true, info: { bytes: jpeg(1080, 1080).length } });
  });

  it('copes with servers ignoring Range', async () => {
    const p = probe({
      [`${U}/a.jpg`]: { body: jpeg(1080, 1080), contentType: 'image/jpeg', ignoreRange: true },
    });
    expect(await preflightMedia(`${U}/a.jpg`, 'feed_image', p.opts)).toMatchObject({ ok: true });
  });

  it('reports HTTP errors (retryable only for 5xx/429) and unreachable hosts', async () => {
    const p = probe({
      [`${U}/gone.jpg`]: { body: Buffer.alloc(0), status: 404 },
      [`${U}/down.jpg`]: { body: Buffer.alloc(0), status: 503 },
    });
    expect(await preflightMedia(`${U}/gone.jpg`, 'feed_image', p.opts)).toMatchObject({
      reason: 'http_status',
      retryable: false,
      details: { status: 404 },
    });
    expect(await preflightMedia(`${U}/down.jpg`, 'feed_image', p.opts)).toMatchObject({
      reason: 'http_status',
      retryable: true,
    });
    const throwing = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    expect(
      await preflightMedia(`${U}/x.jpg`, 'feed_image', { fetch: throwing, lookup: publicDns }),
    ).toMatchObject({ reason: 'unreachable', retryable: true });
  });

  it('times out with a short timeout', async () => {
    const p = probe({ [`${U}/slow.jpg`]: { body: Buffer.alloc(0), hang: true } });
    expect(await preflightMedia(`${U}/slow.jpg`, 'feed_image', { ...p.opts, timeoutMs: 30 })).toMatchObject({
      reason: 'timeout',
      retryable: true,
    });
  });
});

describe('preflightMedia: SSRF', () => {
  it('refuses a host resolving to a private address before any request', async () => {
    const p = probe({});
    const r = await preflightMedia(`${U}/a.jpg`, 'feed_image', {
      fetch: p.fetch,
      lookup: async () => [{ address: '10.0.0.8', family: 4 }],
    });
    expect(r).toMatchObject({ ok: false, reason: 'private_address', details: { address: '10.0.0.8' } });
    expect(p.log).toHaveLength(0);
  });

  it('re-checks every redirect hop (a public URL redirecting to the metadata service is refused)', async () => {
    const p = probe({
      [`${U}/r.jpg`]: { body: Buffer.alloc(0), redirectTo: 'http://169.254.169.254/latest' },
    });
    expect(await preflightMedia(`${U}/r.jpg`, 'feed_image', p.opts)).toMatchObject({
      reason: 'private_address',
    });
    expect(p.log).toHaveLength(1);
  });

  it('follows a public redirect, and stops after maxRedirects', async () => {
    const p = probe({
      [`${U}/r.jpg`]: { body: Buffer.alloc(0), redirectTo: `${U}/real.jpg` },
      [`${U}/real.jpg`]: { body: jpeg(1080, 1080), contentType: 'image/jpeg' },
      [`${U}/loop.jpg`]: { body: Buffer.alloc(0), redirectTo: `${U}/loop.jpg` },
    });
    expect(await preflightMedia(`${U}/r.jpg`, 'feed_image', p.opts)).toMatchObject({ ok: true });
    expect(await preflightMedia(`${U}/loop.jpg`, 'feed_image', p.opts)).toMatchObject({
      reason: 'too_many_redirects',
    });
  });

  it('allows listed hosts (emulator) even on loopback', async () => {
    const p = probe({
      ['http://127.0.0.1:9999/a.jpg']: { body: jpeg(1080, 1080), contentType: 'image/jpeg' },
    });
    expect(
      await preflightMedia('http://127.0.0.1:9999/a.jpg', 'feed_image', {
        fetch: p.fetch,
        allowHosts: ['127.0.0.1'],
      }),
    ).toMatchObject({ ok: true });
    expect(
      await preflightMedia('http://127.0.0.1:9999/a.jpg', 'feed_image', { fetch: p.fetch }),
    ).toMatchObject({ reason: 'private_address' });
  });
});

describe('preflightMedia: video', () => {
  it('accepts an H.264 reel and reports duration, size and codec', async () => {
    const p = probe({
      [`${U}/r.mp4`]: { body: mp4({ durationSec: 20, width: 1080, height: 1920 }), contentType: 'video/mp4' },
    });
    expect(await preflightMedia(`${U}/r.mp4`, 'reel', p.opts)).toMatchObject({
      ok: true,
      info: { durationSec: 20, width: 1080, height: 1920, codec: 'avc1', format: 'mp4' },
    });
  });

  it('fetches a moov box larger than the head read with a second range GET', async () => {
    const file = mp4({ durationSec: 40, moovPadding: 100_000 });
    const p = probe({ [`${U}/big-moov.mp4`]: { body: file, contentType: 'video/mp4' } });
    const r = await preflightMedia(`${U}/big-moov.mp4`, 'reel', p.opts);
    expect(r).toMatchObject({ ok: true, info: { durationSec: 40 } });
    expect(p.log.filter((x) => x.method === 'GET')).toHaveLength(2);
  });

  it('refuses moov-after-mdat, wrong codec and story videos over 60 s', async () => {
    const p = probe({
      [`${U}/late.mp4`]: { body: mp4({ moovFirst: false }), contentType: 'video/mp4' },
      [`${U}/vp9.mp4`]: { body: mp4({ codec: 'vp09' }), contentType: 'video/mp4' },
      [`${U}/long.mov`]: { body: mp4({ durationSec: 90, brand: 'qt  ' }), contentType: 'video/quicktime' },
    });
    expect(await preflightMedia(`${U}/late.mp4`, 'reel', p.opts)).toMatchObject({
      reason: 'moov_not_at_front',
    });
    expect(await preflightMedia(`${U}/vp9.mp4`, 'reel', p.opts)).toMatchObject({ reason: 'codec' });
    expect(await preflightMedia(`${U}/long.mov`, 'story_video', p.opts)).toMatchObject({
      reason: 'duration',
      details: { maxSec: 60 },
    });
    expect(await preflightMedia(`${U}/long.mov`, 'reel', p.opts)).toMatchObject({ ok: true });
  });

  it('refuses a JPEG served for a video target', async () => {
    const p = probe({ [`${U}/x.mp4`]: { body: jpeg(1, 1), contentType: 'image/jpeg' } });
    expect(await preflightMedia(`${U}/x.mp4`, 'reel', p.opts)).toMatchObject({
      reason: 'unsupported_content_type',
    });
  });
});
