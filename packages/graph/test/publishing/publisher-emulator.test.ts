/**
 * Publisher against the emulator: dropped media_publish responses, crash-resume at every stage, leases,
 * preflight, quota and resumable upload. Ground truth comes from `control.state()`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../emulator/src/index.js';
import { startEmulator } from '../../../emulator/src/index.js';
import { InMemoryCheckpointStore, type PublishStage } from '../../src/publishing/checkpoints.js';
import { InstagramConnector } from '../../src/publishing/connector.js';
import type { PublishRequest } from '../../src/publishing/publish-plan.js';
import { Publisher, type PublisherConfig } from '../../src/publishing/publisher.js';
import { type coupledTime, syncedTime } from '../helpers/emulator-time.js';
import { CrashingStore } from './helpers/crashing-store.js';
import { type EmulatedAccount, emulatorConfig, publishedMedia } from './helpers/emulator.js';
import { fakeMediaFetch } from './helpers/fake-media-server.js';
import { jpeg, png } from './helpers/media-fixtures.js';

let emu: RunningEmulator;
let account: EmulatedAccount;
/** One fake clock per test, starting at the emulator's time; every sleep advances both. */
let time: ReturnType<typeof coupledTime>;

async function freshAccount(): Promise<EmulatedAccount> {
  const a = await emu.control.createAccount({ username: `u${Math.random().toString(36).slice(2, 8)}` });
  await emu.control.settings(a.igUserId, { videoProcessingMs: 2000, imageProcessingMs: 0 });
  return { igUserId: a.igUserId, accessToken: a.accessToken };
}

beforeAll(async () => {
  emu = await startEmulator({ seed: 11 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.control.clearFaults();
  account = await freshAccount();
  time = await syncedTime(emu);
});

function publisher(extra: Partial<PublisherConfig> = {}, acct = account) {
  return new Publisher({ ...emulatorConfig(emu, acct, time), ...extra });
}

async function containersOf(igUserId: string) {
  const s = await emu.control.state();
  return (
    s.containers as Array<{ id: string; igUserId: string; isCarouselItem: boolean; statusCode: string }>
  ).filter((c) => c.igUserId === igUserId);
}

const IMG = 'https://cdn.example.com/a.jpg';
const VID = 'https://cdn.example.com/v.mp4';
const carousel: PublishRequest = {
  kind: 'carousel',
  content: { caption: 'Carousel', mediaUrls: [IMG, VID, 'https://cdn.example.com/b.jpg'] },
};
const reel: PublishRequest = { kind: 'reel', content: { caption: 'Reel', mediaUrls: [VID] } };

describe('Publisher: ambiguous media_publish', () => {
  it('dropAfterCommit on media_publish: reads status_code, finds the media id, and there is one post, not two', async () => {
    await emu.control.setFault({
      method: 'POST',
      path: `/${account.igUserId}/media_publish`,
      dropAfterCommit: true,
    });
    const store = new InMemoryCheckpointStore();
    const r = await publisher().publish(reel, { idempotencyKey: 'drop-1', checkpoints: store });
    expect(r).toMatchObject({ success: true, metadata: { reconciled: true, publishAttempts: 1 } });
    const media = await publishedMedia(emu, account.igUserId);
    expect(media).toHaveLength(1);
    expect(r.platformPostId).toBe(media[0]!.id);
    const state = await emu.control.state();
    expect(state.duplicatePublishes).toEqual([]);
    expect((await store.get('drop-1'))?.stage).toBe('published');
    // Publishing the same key again is a replay: no call, same id.
    const again = await publisher().publish(reel, { idempotencyKey: 'drop-1', checkpoints: store });
    expect(again).toMatchObject({
      success: true,
      platformPostId: media[0]!.id,
      metadata: { replayed: true },
    });
    expect(await publishedMedia(emu, account.igUserId)).toHaveLength(1);
  });

  it('a 5xx that did not publish: status FINISHED → publishes again, still one post', async () => {
    await emu.control.setFault({ method: 'POST', path: `/${account.igUserId}/media_publish`, status: 503 });
    const r = await publisher().publish(reel, {
      idempotencyKey: 'k503',
      checkpoints: new InMemoryCheckpointStore(),
    });
    expect(r).toMatchObject({ success: true, metadata: { publishAttempts: 2 } });
    expect(await publishedMedia(emu, account.igUserId)).toHaveLength(1);
  });

  it('a definite 4xx on media_publish is not retried', async () => {
    await emu.control.setFault({
      method: 'POST',
      path: `/${account.igUserId}/media_publish`,
      status: 400,
      error: { code: 100, message: 'Invalid parameter' },
    });
    const r = await publisher().publish(reel, {
      idempotencyKey: 'k400',
      checkpoints: new InMemoryCheckpointStore(),
    });
    expect(r).toMatchObject({
      success: false,
      error: { code: 'API_ERROR', details: { graphCode: 100, idempotencyKey: 'k400' } },
    });
    expect(await publishedMedia(emu, account.igUserId)).toHaveLength(0);
  });
});

describe('Publisher: polling (virtual time: sleeps advance the emulator clock)', () => {
  it('a reel processed for 5 min: O(log T) status reads (≤ 38) within 1.25·T + 200 ms; the connector’s 5 s cap needs ≥ 70', async () => {
    const T = 300_000;
    const slow: PublishRequest = {
      kind: 'reel',
      content: { caption: 'slow', mediaUrls: [`https://cdn.example.com/slow.mp4?processMs=${T}`] },
    };
    const start = time.now;
    const r = await publisher().publish(slow, {
      idempotencyKey: 'slow',
      checkpoints: new InMemoryCheckpointStore(),
      maxWaitTime: 600_000,
    });
    expect(r.success).toBe(true);
    expect(r.metadata?.['statusReads']).toBeLessThanOrEqual(38);
    expect(time.now - start).toBeLessThanOrEqual(1.25 * T + 200);
    const c = new InstagramConnector(emulatorConfig(emu, account, time));
    const viaConnector = await c.publishReel(slow.content, { maxWaitTime: 600_000 });
    expect(viaConnector.success).toBe(true);
    expect(viaConnector.metadata?.['statusReads']).toBeGreaterThanOrEqual(70);
  });

  it('maxPollGapMs brings the cap back, and pollInterval keeps its fixed meaning', async () => {
    const reel60: PublishRequest = {
      kind: 'reel',
      content: { mediaUrls: ['https://cdn.example.com/r.mp4?processMs=60000'] },
    };
    const capped = await publisher({ maxPollGapMs: 5000 }).publish(reel60, {
      idempotencyKey: 'cap',
      checkpoints: new InMemoryCheckpointStore(),
    });
    expect(capped.metadata?.['statusReads']).toBeGreaterThanOrEqual(29);
    const fixed = await publisher().publish(reel60, {
      idempotencyKey: 'fixed',
      checkpoints: new InMemoryCheckpointStore(),
      pollInterval: 20_000,
    });
    expect(fixed.metadata?.['statusReads']).toBe(4); // reads at 0, 20, 40 and 60 s
  });
});

describe('Publisher: crash and resume at every stage', () => {
  const cases: Array<{
    name: string;
    crash: ConstructorParameters<typeof CrashingStore>[0];
    request: PublishRequest;
    containers: number;
  }> = [
    {
      name: 'after the first carousel child',
      crash: { after: 'started', afterChildren: 1 },
      request: carousel,
      containers: 4,
    },
    {
      name: 'after children_created',
      crash: { after: 'children_created' },
      request: carousel,
      containers: 4,
    },
    {
      name: 'after container_created (carousel)',
      crash: { after: 'container_created' },
      request: carousel,
      containers: 4,
    },
    {
      name: 'after container_created (reel)',
      crash: { after: 'container_created' },
      request: reel,
      containers: 1,
    },
    { name: 'after ready', crash: { after: 'ready' }, request: reel, containers: 1 },
    {
      name: 'after publish_attempted, before media_publish was sent',
      crash: { after: 'publish_attempted' },
      request: reel,
      containers: 1,
    },
    {
      name: 'after media_publish committed, before published was recorded',
      crash: { before: 'published' },
      request: reel,
      containers: 1,
    },
    { name: 'after published', crash: { after: 'published' }, request: reel, containers: 1 },
  ];

  it.each(cases)(
    '$name → resumes at its stage: one post, no extra containers',
    async ({ crash, request, containers }) => {
      const store = new CrashingStore(crash);
      const first = await publisher({ workerId: 'w1', leaseMs: 60_000 }).publish(request, {
        idempotencyKey: 'job',
        checkpoints: store,
      });
      expect(store.crashed).toBe(true);
      expect(first.success).toBe(false);
      const stageAtCrash = (await store.get('job'))!.stage;

      // The dead worker still holds the lease: another worker is refused until it expires.
      const early = await publisher({ workerId: 'w2', leaseMs: 60_000 }).publish(request, {
        idempotencyKey: 'job',
        checkpoints: store,
      });
      expect(early).toMatchObject({ success: false, error: { code: 'BUSY', retryable: true } });

      store.now += 60_001;
      const resumed = await publisher({ workerId: 'w2', leaseMs: 60_000 }).publish(request, {
        idempotencyKey: 'job',
        checkpoints: store,
      });
      expect(resumed).toMatchObject({ success: true, metadata: { resumedFrom: stageAtCrash } });
      const media = await publishedMedia(emu, account.igUserId);
      expect(media).toHaveLength(1);
      expect(resumed.platformPostId).toBe(media[0]!.id);
      expect(await containersOf(account.igUserId)).toHaveLength(containers);
      expect((await emu.control.state()).duplicatePublishes).toEqual([]);
      expect((await store.get('job'))?.stage).toBe('published');
    },
  );
});

describe('Publisher: leases', () => {
  it('a second worker on a live key gets BUSY without calling Meta', async () => {
    const store = new InMemoryCheckpointStore();
    await store.acquire('k', 'someone-else', 60_000);
    const r = await publisher().publish(reel, { idempotencyKey: 'k', checkpoints: store });
    expect(r).toMatchObject({ success: false, error: { code: 'BUSY' } });
    expect(await containersOf(account.igUserId)).toHaveLength(0);
  });

  it('two workers racing on one key publish once', async () => {
    const store = new InMemoryCheckpointStore();
    const [a, b] = await Promise.all([
      publisher({ workerId: 'a' }).publish(reel, { idempotencyKey: 'race', checkpoints: store }),
      publisher({ workerId: 'b' }).publish(reel, { idempotencyKey: 'race', checkpoints: store }),
    ]);
    expect([a.success, b.success].filter(Boolean)).toHaveLength(1);
    expect([a, b].find((r) => !r.success)?.error?.code).toBe('BUSY');
    expect(await publishedMedia(emu, account.igUserId)).toHaveLength(1);
  });

  it('a stalled worker whose lease was taken over stops at its next checkpoint and never publishes', async () => {
    const store = new CrashingStore();
    const leaseMs = 10_000;
    let takeover: Awaited<ReturnType<Publisher['publish']>> | undefined;
    const stalled = new Publisher({
      ...emulatorConfig(emu, account, time),
      workerId: 'slow',
      leaseMs,
      sleep: async (ms) => {
        if (!takeover) {
          store.now += leaseMs + 1; // the slow worker stalls past its lease…
          takeover = await publisher({ workerId: 'fast', leaseMs }).publish(reel, {
            idempotencyKey: 'stall',
            checkpoints: store,
          });
        }
        await time.sleep(ms);
      },
    });
    const slow = await stalled.publish(reel, { idempotencyKey: 'stall', checkpoints: store });
    expect(takeover).toMatchObject({ success: true });
    expect(slow).toMatchObject({ success: false, error: { code: 'BUSY' } });
    expect(await publishedMedia(emu, account.igUserId)).toHaveLength(1);
  });
});

describe('Publisher: preflight', () => {
  const dns = async () => [{ address: '93.184.216.34', family: 4 }];

  it('refuses a PNG before any Graph call (MEDIA_ERROR, reason unsupported_format)', async () => {
    const media = fakeMediaFetch({
      'https://cdn.example.com/p.jpg': { body: png(1080, 1080), contentType: 'application/octet-stream' },
    });
    const r = await publisher({ preflight: { fetch: media.fetch, lookup: dns } }).publish(
      { kind: 'feed', content: { mediaUrls: ['https://cdn.example.com/p.jpg'] } },
      { idempotencyKey: 'pf1', checkpoints: new InMemoryCheckpointStore() },
    );
    expect(r).toMatchObject({
      success: false,
      error: {
        code: 'MEDIA_ERROR',
        retryable: false,
        details: { reason: 'unsupported_format', preflight: true },
      },
    });
    expect(await containersOf(account.igUserId)).toHaveLength(0);
  });

  it('refuses private addresses (SSRF guard) and lets a good JPEG through to publishing', async () => {
    const media = fakeMediaFetch({
      'https://cdn.example.com/ok.jpg': { body: jpeg(1080, 1080), contentType: 'image/jpeg' },
    });
    const privateDns = async () => [{ address: '192.168.0.10', family: 4 }];
    const refused = await publisher({ preflight: { fetch: media.fetch, lookup: privateDns } }).publish(
      { kind: 'feed', content: { mediaUrls: ['https://cdn.example.com/ok.jpg'] } },
      { idempotencyKey: 'pf2', checkpoints: new InMemoryCheckpointStore() },
    );
    expect(refused.error?.details?.['reason']).toBe('private_address');
    expect(media.log).toHaveLength(0);
    const ok = await publisher({ preflight: { fetch: media.fetch, lookup: dns } }).publish(
      { kind: 'feed', content: { mediaUrls: ['https://cdn.example.com/ok.jpg'] } },
      { idempotencyKey: 'pf3', checkpoints: new InMemoryCheckpointStore() },
    );
    expect(ok.success).toBe(true);
  });
});

describe('Publisher: publishing limit', () => {
  it('on 2207042 reads content_publishing_limit and reports when the next slot frees', async () => {
    await emu.control.settings(account.igUserId, { publishingLimit: 1, publishingWindowMs: 86_400_000 });
    const store = new InMemoryCheckpointStore();
    const first = await publisher().publish(
      { kind: 'feed', content: { mediaUrls: [IMG] } },
      { idempotencyKey: 'q1', checkpoints: store },
    );
    expect(first.success).toBe(true);
    const [m] = await publishedMedia(emu, account.igUserId);
    const publishedAt = (m as unknown as { timestamp: number }).timestamp;
    const second = await publisher().publish(
      { kind: 'feed', content: { mediaUrls: [IMG] } },
      { idempotencyKey: 'q2', checkpoints: store },
    );
    expect(second).toMatchObject({
      success: false,
      error: { code: 'PUBLISH_LIMIT', retryable: true, details: { quotaTotal: 1, quotaUsage: 1 } },
    });
    const next = Date.parse(String(second.error?.details?.['nextSlotAt']));
    expect(Math.abs(next - (publishedAt + 86_400_000))).toBeLessThan(1000);
  });

  it('checkQuota refuses before creating a container; a batch stops at the free slots', async () => {
    await emu.control.settings(account.igUserId, { publishingLimit: 2 });
    const store = new InMemoryCheckpointStore();
    const items = [1, 2, 3].map((i) => ({
      request: { kind: 'feed', content: { caption: `n${i}`, mediaUrls: [IMG] } } as PublishRequest,
      idempotencyKey: `b${i}`,
    }));
    const results = await publisher().publishBatch(items, { checkpoints: store });
    expect(results.map((r) => r.success)).toEqual([true, true, false]);
    expect(results[2]?.error).toMatchObject({ code: 'PUBLISH_LIMIT' });
    expect(await containersOf(account.igUserId)).toHaveLength(2);
    const r = await publisher().publish(items[2]!.request, {
      idempotencyKey: 'b3',
      checkpoints: store,
      checkQuota: true,
    });
    expect(r.error).toMatchObject({ code: 'PUBLISH_LIMIT', details: { quotaUsage: 2 } });
    expect(typeof r.error?.details?.['nextSlotAt']).toBe('string');
    expect(await containersOf(account.igUserId)).toHaveLength(2);
  });
});

describe('Publisher: resumable upload of a local file', () => {
  it('uploads with upload_type=resumable, survives an interruption by resuming from the server offset', async () => {
    const bytes = new Uint8Array(200_000).map((_, i) => i % 251);
    const seen: Array<{ method: string; offset?: string | null; len?: number; auth?: string | null }> = [];
    let interrupted = false;
    const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/rupload/')) {
        const h = new Headers(init?.headers);
        const body = init?.body as Uint8Array | undefined;
        seen.push({
          method: init?.method ?? 'GET',
          offset: h.get('offset'),
          len: body?.byteLength,
          auth: h.get('authorization')?.split(' ')[0] ?? null,
        });
        if (init?.method === 'POST' && !interrupted && body) {
          interrupted = true;
          await fetch(url, { ...init, body: body.subarray(0, 70_000) }); // the server gets 70 kB…
          throw new TypeError('fetch failed: other side closed'); // …and the client never sees the answer
        }
      }
      return fetch(input, init);
    }) as typeof fetch;
    const store = new InMemoryCheckpointStore();
    const r = await publisher({ fetch: wrapped }).publish(
      { kind: 'reel', content: { caption: 'Local', mediaUrls: [] }, upload: { data: bytes } },
      { idempotencyKey: 'up', checkpoints: store },
    );
    expect(r).toMatchObject({ success: true });
    expect(seen.map((s) => s.method)).toEqual(['POST', 'GET', 'POST']);
    expect(seen[2]).toMatchObject({ offset: '70000', len: 130_000, auth: 'OAuth' });
    const c = (await emu.control.state()).containers.find(
      (x) => (x as { id: string }).id === r.metadata?.['containerId'],
    ) as { upload: { offset: number; fileSize: number } };
    expect(c.upload).toEqual({ offset: 200_000, fileSize: 200_000 });
    expect(await publishedMedia(emu, account.igUserId)).toHaveLength(1);
  });

  it('resumes an upload after a crash without creating a second container', async () => {
    const bytes = new Uint8Array(50_000);
    const store = new CrashingStore({ after: 'container_created' });
    const request: PublishRequest = { kind: 'story', content: { mediaUrls: [] }, upload: { data: bytes } };
    await publisher({ workerId: 'w1', leaseMs: 1000 }).publish(request, {
      idempotencyKey: 'upc',
      checkpoints: store,
    });
    store.now += 1001;
    const r = await publisher({ workerId: 'w2', leaseMs: 1000 }).publish(request, {
      idempotencyKey: 'upc',
      checkpoints: store,
    });
    expect(r).toMatchObject({
      success: true,
      metadata: { resumedFrom: 'container_created' as PublishStage },
    });
    expect(await containersOf(account.igUserId)).toHaveLength(1);
    expect((await publishedMedia(emu, account.igUserId))[0]).toMatchObject({ mediaProductType: 'STORY' });
  });
});
