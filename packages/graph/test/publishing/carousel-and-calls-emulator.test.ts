/**
 * Against the emulator on virtual time (sleeps advance the emulator clock; requests take no virtual time):
 * - carousels whose children take processing time: the Publisher creates the parent only once every child is
 *   FINISHED (no 9007/2207027, one post); the connector (whose contract polls only video children) recovers
 *   from a 2207027 on the parent by waiting for the image children and creating it once more;
 * - the exact Graph calls per post and kind through the Publisher (the scheduler's path, `checkQuota` on):
 *   one quota read, the containers, the status reads the adaptive schedule needs, one `media_publish`, one
 *   permalink read.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../emulator/src/index.js';
import { startEmulator } from '../../../emulator/src/index.js';
import { InMemoryCheckpointStore } from '../../src/publishing/checkpoints.js';
import { InstagramConnector } from '../../src/publishing/connector.js';
import { DEFAULT_MAX_WAIT_MS, plannedReadTimes } from '../../src/publishing/poll-schedule.js';
import type { PublishRequest } from '../../src/publishing/publish-plan.js';
import { Publisher } from '../../src/publishing/publisher.js';
import { type coupledTime, syncedTime } from '../helpers/emulator-time.js';
import { type EmulatedAccount, emulatorConfig, publishedMedia } from './helpers/emulator.js';

let emu: RunningEmulator;
let account: EmulatedAccount;
let time: ReturnType<typeof coupledTime>;

beforeAll(async () => {
  emu = await startEmulator({ seed: 23 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  const a = await emu.control.createAccount({ username: `c${Math.random().toString(36).slice(2, 8)}` });
  await emu.control.settings(a.igUserId, { imageProcessingMs: 0, videoProcessingMs: 2000 });
  account = { igUserId: a.igUserId, accessToken: a.accessToken };
  time = await syncedTime(emu);
});

type Kind = 'quota' | 'create' | 'status' | 'publish' | 'other';

/** A fetch that counts Graph calls by kind and remembers every Graph error subcode answered. */
function countingFetch() {
  const calls: Record<Kind, number> = { quota: 0, create: 0, status: 0, publish: 0, other: 0 };
  const subcodes: number[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const path = url.pathname;
    if (path.endsWith('/content_publishing_limit')) calls.quota++;
    else if (method === 'POST' && path.endsWith('/media')) calls.create++;
    else if (method === 'POST' && path.endsWith('/media_publish')) calls.publish++;
    else if (method === 'GET' && url.searchParams.get('fields') === 'status_code') calls.status++;
    else calls.other++;
    const res = await fetch(input, init);
    if (res.status >= 400) {
      const body = (await res.clone().json()) as { error?: { error_subcode?: number } };
      if (body.error?.error_subcode !== undefined) subcodes.push(body.error.error_subcode);
    }
    return res;
  }) as typeof fetch;
  return { calls, subcodes, fetch: fetchFn };
}

/** Status reads the Publisher's adaptive schedule (no gap cap) makes for a container ready after `T` ms. */
function readsFor(T: number): number {
  const times = plannedReadTimes({ maxWaitTime: DEFAULT_MAX_WAIT_MS, maxGapMs: Number.POSITIVE_INFINITY });
  return times.filter((t) => t < T).length + 1;
}

const img = (name: string, processMs: number) => `https://cdn.example.com/${name}.jpg?processMs=${processMs}`;
const vid = (name: string, processMs: number) => `https://cdn.example.com/${name}.mp4?processMs=${processMs}`;

function publisherWith(fetchFn: typeof fetch) {
  return new Publisher({ ...emulatorConfig(emu, account, time), fetch: fetchFn });
}

async function publish(request: PublishRequest) {
  const counter = countingFetch();
  const r = await publisherWith(counter.fetch).publish(request, {
    idempotencyKey: `k-${Math.random()}`,
    checkpoints: new InMemoryCheckpointStore(),
    checkQuota: true,
  });
  return { r, ...counter };
}

describe('carousel children with processing time', () => {
  it('Publisher: every child FINISHED before the parent — no 2207027, one post, bounded status reads', async () => {
    // A video child (5 s) and two image children (1.4 s, 2 s), all processing at once.
    const start = time.now;
    const { r, calls, subcodes } = await publish({
      kind: 'carousel',
      content: { caption: 'slow children', mediaUrls: [img('a', 1400), vid('v', 5000), img('b', 2000)] },
    });
    expect(r).toMatchObject({ success: true });
    expect(subcodes).toEqual([]);
    expect(calls.create).toBe(4); // three children and one parent: no refused parent
    const media = await publishedMedia(emu, account.igUserId);
    expect(media).toHaveLength(1);
    expect(media[0]).toMatchObject({ mediaType: 'CAROUSEL_ALBUM', id: r.platformPostId });
    // The video child is read until ready; the images, ready by then, once each; the parent once.
    expect(calls.status).toBe(readsFor(5000) + 2 + 1);
    expect(r.metadata?.['statusReads']).toBe(calls.status);
    // Virtual time: the parent followed the slowest child within the adaptive bound.
    expect(time.now - start).toBeLessThanOrEqual(1.25 * 5000 + 200);
    expect((await emu.control.state()).duplicatePublishes).toEqual([]);
  });

  it('Publisher: image-only children that process are waited for too', async () => {
    const { r, calls, subcodes } = await publish({
      kind: 'carousel',
      content: { mediaUrls: [img('a', 1400), img('b', 2000)] },
    });
    expect(r.success).toBe(true);
    expect(subcodes).toEqual([]);
    expect(calls.create).toBe(3);
    // The first child is read until ready (1.4 s); the second, 2 s, continues on the same schedule.
    expect(calls.status).toBeLessThanOrEqual(readsFor(2000) + 1 + 1);
    expect(await publishedMedia(emu, account.igUserId)).toHaveLength(1);
  });

  it('connector: image children are not polled (its contract); a 2207027 on the parent waits for them, then one post', async () => {
    const counter = countingFetch();
    const c = new InstagramConnector({ ...emulatorConfig(emu, account, time), fetch: counter.fetch });
    const r = await c.publishCarousel({ mediaUrls: [img('a', 1400), img('b', 2000)] });
    expect(r.success).toBe(true);
    expect(counter.subcodes).toEqual([2207027]); // the one refused parent, never a second
    expect(counter.calls.create).toBe(4);
    expect(counter.calls.publish).toBe(1);
    expect(await publishedMedia(emu, account.igUserId)).toHaveLength(1);
  });

  it('connector: a video child polled until FINISHED covers image children ready by then (no 2207027)', async () => {
    const counter = countingFetch();
    const c = new InstagramConnector({ ...emulatorConfig(emu, account, time), fetch: counter.fetch });
    const r = await c.publishCarousel({ mediaUrls: [img('a', 1400), vid('v', 5000)] });
    expect(r.success).toBe(true);
    expect(counter.subcodes).toEqual([]);
    expect(counter.calls.create).toBe(3);
    expect(await publishedMedia(emu, account.igUserId)).toHaveLength(1);
  });
});

describe('Graph calls per post through the Publisher (checkQuota, as the scheduler publishes)', () => {
  it('image processed for 1.4 s: quota 1, create 1, status reads of the schedule, publish 1, permalink 1', async () => {
    const { r, calls } = await publish({ kind: 'feed', content: { mediaUrls: [img('p', 1400)] } });
    expect(r.success).toBe(true);
    expect(calls).toEqual({ quota: 1, create: 1, status: readsFor(1400), publish: 1, other: 1 });
  });

  it('image ready at once: 5 calls (3 is the floor without the quota and permalink reads)', async () => {
    const { r, calls } = await publish({ kind: 'feed', content: { mediaUrls: [img('p', 0)] } });
    expect(r.success).toBe(true);
    expect(calls).toEqual({ quota: 1, create: 1, status: 1, publish: 1, other: 1 });
  });

  it('reel processed for 10 s', async () => {
    const { r, calls } = await publish({ kind: 'reel', content: { mediaUrls: [vid('r', 10_000)] } });
    expect(r.success).toBe(true);
    expect(calls).toEqual({ quota: 1, create: 1, status: readsFor(10_000), publish: 1, other: 1 });
  });

  it('carousel of 2 images processed for 1.6 s and 2 s', async () => {
    const { r, calls } = await publish({
      kind: 'carousel',
      content: { mediaUrls: [img('a', 1600), img('b', 2000)] },
    });
    expect(r.success).toBe(true);
    // First child: the schedule's reads until 1.6 s; the second continues from there until 2 s; the parent 1.
    const first = readsFor(1600);
    const times = plannedReadTimes({ maxWaitTime: DEFAULT_MAX_WAIT_MS, maxGapMs: Number.POSITIVE_INFINITY });
    const second = times.filter((t) => t >= 1600 && t < 2000).length + 1;
    expect(calls).toEqual({ quota: 1, create: 3, status: first + second + 1, publish: 1, other: 1 });
  });
});
