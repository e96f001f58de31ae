/**
 * The seed-style flows against the emulator on the default (current) API version.
 * Sleeps advance the emulator clock, so processing times cost no real time.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../emulator/src/index.js';
import { DEFAULT_GRAPH_VERSION } from '../../src/core/request-url.js';
import { InstagramConnector } from '../../src/publishing/connector.js';
import { coupledTime } from '../helpers/emulator-time.js';
import {
  type EmulatedAccount,
  emulatorConnector,
  emulatorWithAccount,
  publishedMedia,
} from './helpers/emulator.js';

let emu: RunningEmulator;
let account: EmulatedAccount;

beforeAll(async () => {
  ({ emu, account } = await emulatorWithAccount());
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.control.clearFaults();
  await emu.control.settings(account.igUserId, { videoProcessingMs: 3000, imageProcessingMs: 0 });
});

const IMG = 'https://cdn.example.com/photo.jpg';
const VID = 'https://cdn.example.com/clip.mp4';

describe('InstagramConnector against the emulator', () => {
  it('uses the current stable version by default and verifies credentials', async () => {
    const c = emulatorConnector(emu, account);
    expect(c.apiVersion).toBe(DEFAULT_GRAPH_VERSION);
    expect(await c.verifyCredentials()).toBe(true);
    const bad = new InstagramConnector({
      accessToken: 'nope',
      instagramAccountId: account.igUserId,
      host: emu.url,
    });
    expect(await bad.verifyCredentials()).toBe(false);
  });

  it('publishes an image with caption and hashtags; the post exists once with that caption', async () => {
    const r = await emulatorConnector(emu, account).publishFeedPost({
      caption: 'Hello',
      mediaUrls: [IMG],
      hashtags: ['sun', '#Sun'],
    });
    expect(r.success).toBe(true);
    expect(r.publishedUrl).toMatch(/^https:\/\/www\.instagram\.com\/p\//);
    const media = (await publishedMedia(emu, account.igUserId)).filter((m) => m.id === r.platformPostId);
    expect(media).toMatchObject([{ mediaType: 'IMAGE', mediaProductType: 'FEED', caption: 'Hello\n\n#sun' }]);
  });

  it('publishes a carousel of 3 (a video child is polled until FINISHED)', async () => {
    const time = coupledTime(emu);
    const r = await emulatorConnector(emu, account, time).publishCarousel({
      caption: 'Trio',
      mediaUrls: [IMG, VID, 'https://cdn.example.com/b.jpg'],
    });
    expect(r).toMatchObject({ success: true, metadata: { mediaType: 'CAROUSEL' } });
    expect(r.metadata?.['childIds']).toHaveLength(3);
    const [m] = (await publishedMedia(emu, account.igUserId)).filter((x) => x.id === r.platformPostId);
    expect(m).toMatchObject({ mediaType: 'CAROUSEL_ALBUM', caption: 'Trio' });
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3000);
  });

  it('publishes a reel with a cover; adaptive polling sees a 3 s container within 1.25·T + 200 ms', async () => {
    const time = coupledTime(emu);
    const start = time.now;
    const r = await emulatorConnector(emu, account, time).publishReel({
      caption: 'Reel',
      mediaUrls: [VID],
      thumbnailUrl: 'https://cdn.example.com/cover.jpg',
    });
    expect(r).toMatchObject({ success: true });
    expect(r.publishedUrl).toMatch(/\/reel\//);
    expect(time.now - start).toBeLessThanOrEqual(1.25 * 3000 + 200);
    const [m] = (await publishedMedia(emu, account.igUserId)).filter((x) => x.id === r.platformPostId);
    expect(m).toMatchObject({ mediaProductType: 'REELS', mediaType: 'VIDEO' });
  });

  it.each(['image', 'video'] as const)('publishes a %s story', async (kind) => {
    const r = await emulatorConnector(emu, account).publishStory(
      { mediaUrls: [kind === 'image' ? IMG : VID] },
      kind,
    );
    expect(r.success).toBe(true);
    const [m] = (await publishedMedia(emu, account.igUserId)).filter((x) => x.id === r.platformPostId);
    expect(m).toMatchObject({ mediaProductType: 'STORY', mediaType: kind === 'image' ? 'IMAGE' : 'VIDEO' });
  });

  it('reports CONTAINER_ERROR with the status text when processing fails', async () => {
    const r = await emulatorConnector(emu, account).publishReel({
      mediaUrls: ['https://cdn.example.com/clip.avi'],
    });
    expect(r).toMatchObject({
      success: false,
      error: { code: 'CONTAINER_ERROR', retryable: false, details: { graphSubcode: 2207026 } },
    });
    expect(String(r.error?.details?.['status'])).toContain('2207026');
  });

  it('maps an unreachable / bad media URL to MEDIA_ERROR before any container exists', async () => {
    const before = (await emu.control.state()).containers.length;
    const r = await emulatorConnector(emu, account).publishFeedPost({
      mediaUrls: ['https://unreachable.invalid/a.jpg'],
    });
    expect(r).toMatchObject({
      success: false,
      error: { code: 'MEDIA_ERROR', details: { graphCode: 9004, graphSubcode: 2207052 } },
    });
    const wide = await emulatorConnector(emu, account).publishFeedPost({
      mediaUrls: ['https://cdn.example.com/p.jpg?w=2000&h=1000'],
    });
    expect(wide).toMatchObject({
      success: false,
      error: { code: 'MEDIA_ERROR', details: { graphSubcode: 2207009 } },
    });
    expect((await emu.control.state()).containers.length).toBe(before);
  });

  it('maps a 429 on container creation to RATE_LIMIT and sends exactly one create', async () => {
    await emu.control.setFault({
      method: 'POST',
      path: `/${account.igUserId}/media`,
      status: 429,
      error: { code: 4, message: 'Application request limit reached' },
      times: 2,
    });
    const before = (await emu.control.state()).containers.length;
    const r = await emulatorConnector(emu, account).publishFeedPost({ mediaUrls: [IMG] });
    expect(r).toMatchObject({ success: false, error: { code: 'RATE_LIMIT', retryable: true } });
    const faults = (await (await fetch(`${emu.url}/__emulator/faults`)).json()) as {
      data: Array<{ remaining: number }>;
    };
    expect(faults.data[0]?.remaining).toBe(1); // one request hit the fault: no retry inside the call
    expect((await emu.control.state()).containers.length).toBe(before);
  });

  it('times out with maxWaitTime 1000 / pollInterval 100 and reports the container id', async () => {
    await emu.control.settings(account.igUserId, { videoProcessingMs: 60_000 });
    const time = coupledTime(emu);
    const r = await emulatorConnector(emu, account, time).publishReel(
      { mediaUrls: [VID] },
      { maxWaitTime: 1000, pollInterval: 100 },
    );
    expect(r).toMatchObject({
      success: false,
      error: { code: 'CONTAINER_TIMEOUT', retryable: true, details: { statusReads: 10 } },
    });
    const containerId = r.error?.details?.['containerId'] as string;
    expect(containerId).toBeTruthy();
    // The caller can resume with the container id once it is ready: no second container, one post.
    await emu.control.advanceClock(60_000);
    const resumed = await emulatorConnector(emu, account, time).publishContainer(containerId);
    expect(resumed.success).toBe(true);
    expect(
      (await publishedMedia(emu, account.igUserId)).filter((m) => m.containerId === containerId),
    ).toHaveLength(1);
  });

  it('a dropped media_publish response: the connector checks status_code, reports the post, never re-publishes', async () => {
    await emu.control.setFault({
      method: 'POST',
      path: `/${account.igUserId}/media_publish`,
      dropAfterCommit: true,
    });
    const r = await emulatorConnector(emu, account).publishFeedPost({
      caption: 'dropped once',
      mediaUrls: [IMG],
    });
    const mine = (await publishedMedia(emu, account.igUserId)).filter((m) => m.caption === 'dropped once');
    expect(mine).toHaveLength(1);
    expect(r).toMatchObject({ success: true, platformPostId: mine[0]!.id, metadata: { reconciled: true } });
    expect((await emu.control.state()).duplicatePublishes).toEqual([]);
  });

  it('reads insights on the current version: views requested, impressions filled from views', async () => {
    const r = await emulatorConnector(emu, account).publishFeedPost({ mediaUrls: [IMG] });
    const insights = await emulatorConnector(emu, account).getMediaInsights(r.platformPostId!);
    expect(insights.productType).toBe('FEED');
    expect(insights.views).toBeGreaterThan(0);
    expect(insights.impressions).toBe(insights.views);
    expect(insights.reach).toBeGreaterThan(0);
    expect(insights.missing).toEqual([]);
  });

  it('on an old version (v21.0) drops the retired metric Meta rejects (plays), asks for views instead and reports it missing', async () => {
    const r = await emulatorConnector(emu, account).publishReel({ mediaUrls: [VID] });
    const t = coupledTime(emu);
    const old = new InstagramConnector({
      accessToken: account.accessToken,
      instagramAccountId: account.igUserId,
      host: emu.url,
      apiVersion: 'v21.0',
      clock: t.clock,
      sleep: t.sleep,
    });
    const insights = await old.getMediaInsights(r.platformPostId!);
    expect(insights.productType).toBe('REELS');
    expect(insights.reach).toBeGreaterThan(0);
    expect(insights.missing).toContain('plays');
    expect(insights.views).toBeGreaterThan(0);
    expect(insights.impressions).toBe(insights.views);
  });

  it('deletePost: DELETE /{v}/{media-id} removes the post (FB Login); a carousel child cannot be deleted alone', async () => {
    const c = emulatorConnector(emu, account);
    const r = await c.publishFeedPost({ caption: 'to delete', mediaUrls: [IMG] });
    expect(await c.deletePost(r.platformPostId!)).toEqual({ success: true, deletedId: r.platformPostId });
    expect((await publishedMedia(emu, account.igUserId)).some((m) => m.id === r.platformPostId)).toBe(false);
    const album = await c.publishCarousel({ mediaUrls: [IMG, 'https://cdn.example.com/b.jpg'] });
    const child = (album.metadata!['childIds'] as string[])[0]!;
    const state = (await emu.control.state()).media as Array<{ id: string; containerId: string }>;
    const childMedia = state.find((m) => m.containerId === child)!;
    expect(await c.deletePost(childMedia.id)).toMatchObject({
      success: false,
      error: { code: 'API_ERROR', retryable: false, details: { graphCode: 100, graphSubcode: 33 } },
    });
  });

  it('deletePost without instagram_manage_contents: API_ERROR with the permission code, nothing deleted', async () => {
    const limited = await emu.control.createAccount({
      username: 'noperm',
      permissions: ['instagram_basic', 'instagram_content_publish', 'pages_read_engagement'],
    });
    const acct = { igUserId: limited.igUserId, accessToken: limited.accessToken };
    const c = emulatorConnector(emu, acct);
    const r = await c.publishFeedPost({ mediaUrls: [IMG] });
    expect(r.success).toBe(true);
    expect((await c.deletePost(r.platformPostId!)).error).toMatchObject({
      code: 'API_ERROR',
      retryable: false,
      details: { graphCode: 200, status: 403 },
    });
    expect((await publishedMedia(emu, acct.igUserId)).map((m) => m.id)).toEqual([r.platformPostId]);
  });
});
