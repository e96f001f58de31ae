/**
 * The real pg-boss path: workers polling the queues, retries, dead letters, and several worker processes
 * cooperating on one PostgreSQL.
 */
import { startEmulator } from '@igkit/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit } from '../src/audit/audit-log.js';
import { loadConfig } from '../src/config/config.js';
import { work } from '../src/jobs/worker.js';
import { silentLogger } from '../src/log/logger.js';
import { createService } from '../src/service.js';
import { listDeadLetters } from '../src/store/dead-letters.js';
import { getPost, postTimeline } from '../src/store/posts.js';
import { finished, spawnTs, waitForOutput } from './helpers/child.js';
import { groundTruth, type Harness, harness, image, TEST_KEY } from './helpers/harness.js';
import { ENGINES, testStore } from './helpers/store.js';
import { until } from './helpers/until.js';

describe.each(ENGINES)('pg-boss workers (%s)', (engine) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('retries a failing publish with the queue policy, then dead-letters it and fails the post with the reason', async () => {
    h = await harness(engine, {
      queuePolicies: { 'publish-post': { retryLimit: 2, retryDelay: 0, retryBackoff: false } },
    });
    await h.emu.control.setFault({ method: 'POST', path: '/*/media', times: 0, status: 503 });
    const post = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('a') }],
      publishAt: new Date(h.clock.now()),
    });
    await h.service.startWorkers();
    const [dl] = await until(
      () => listDeadLetters(h!.db),
      (rows) => rows.length > 0,
    );
    expect(dl).toMatchObject({
      queue: 'publish-post',
      errorCategory: 'transient',
      attempts: 3,
      status: 'open',
      payloadRef: { postId: post.id },
    });
    expect(dl?.firstFailedAt.getTime()).toBeLessThanOrEqual(dl?.lastFailedAt.getTime() ?? 0);
    const failed = await until(
      () => getPost(h!.db, post.id),
      (p) => p?.state === 'failed',
    );
    expect(failed?.lastError?.details).toMatchObject({ deadLetterId: dl?.id });
    expect((await postTimeline(h.db, post.id)).filter((e) => e.reason === 'retrying')).toHaveLength(3);
    expect((await groundTruth(h.emu)).posts).toBe(0);
  });

  it('a slot that ran a job fetches the next one at once, without sleeping out its polling interval', async () => {
    h = await harness(engine);
    const { boss } = h.service;
    await boss.createQueue('drain-test-dlq');
    await boss.createQueue('drain-test', { name: 'drain-test', deadLetter: 'drain-test-dlq' });
    for (let i = 0; i < 4; i++) await boss.send('drain-test', { n: i });
    const ran: number[] = [];
    // One slot polling every 10 minutes: only the drain can run the four jobs within the wait below.
    await work(
      { db: h.db, boss, log: silentLogger(), now: () => new Date(h!.clock.now()) },
      'drain-test',
      async (data: { n: number }) => {
        ran.push(data.n);
      },
      { concurrency: 1, pollingIntervalSeconds: 600 },
    );
    await until(
      async () => ran.length,
      (n) => n === 4,
      30_000,
    );
    expect([...ran].sort()).toEqual([0, 1, 2, 3]);
  });

  it('publishes through the polling workers and stops cleanly', async () => {
    h = await harness(engine);
    const post = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('w') }],
      publishAt: new Date(h.clock.now()),
    });
    await h.service.startWorkers();
    await until(
      () => getPost(h!.db, post.id),
      (p) => p?.state === 'published',
    );
    expect(await groundTruth(h.emu)).toEqual({ posts: 1, duplicates: 0 });
  });
});

describe.runIf(process.env['DATABASE_URL'])('two worker processes on one PostgreSQL', () => {
  it('publish 50 posts due at the same second exactly once each (emulator ground truth: 0 duplicates)', async () => {
    const store = testStore('postgres');
    const emu = await startEmulator({ port: 0, seed: 5 });
    const env = {
      DATABASE_URL: store.config.databaseUrl,
      IGKIT_DB_SCHEMA: store.config.schema,
      IGKIT_DATA_DIR: store.config.dataDir,
      IGKIT_SECRET_KEY: TEST_KEY,
      IGKIT_GRAPH_URL: emu.url,
    };
    const db = await store.open();
    const scheduler = await createService({
      config: loadConfig(env),
      db,
      log: silentLogger(),
      supervise: false,
    });
    const workers: ReturnType<typeof spawnTs>[] = [];
    try {
      const account = await emu.control.createAccount({ username: 'scale', loginType: 'instagram' });
      await emu.control.settings(account.igUserId, { publishingLimit: 100, bucCallBudget: 100_000 });
      await scheduler.connectAccount({
        id: account.igUserId,
        loginType: 'instagram',
        accessToken: account.accessToken,
      });
      const due = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000);
      const posts = [];
      for (let i = 0; i < 50; i++)
        posts.push(
          await scheduler.schedulePost({
            accountId: account.igUserId,
            kind: 'feed',
            caption: `post ${i}`,
            media: [{ url: image(`p${i}`) }],
            publishAt: due,
          }),
        );
      for (const id of ['worker-a', 'worker-b'])
        workers.push(
          spawnTs('packages/server/test/fixtures/worker-process.ts', [], { ...env, WORKER_ID: id }),
        );
      await Promise.all(workers.map((w) => waitForOutput(w, 'ready')));
      const states = await until(
        async () =>
          (
            await db.query<{ state: string; n: number }>(
              'SELECT state, count(*)::int AS n FROM posts GROUP BY state',
            )
          ).rows,
        (rows) => rows.length === 1 && rows[0]?.state === 'published',
        120_000,
      );
      expect(states).toEqual([{ state: 'published', n: 50 }]);
      const truth = await emu.control.state();
      expect(truth.duplicatePublishes).toEqual([]);
      expect((truth.media as unknown[]).length).toBe(50);
      const publishes = (await queryAudit(db, { action: 'graph.media_publish', limit: 1000 })).filter(
        (r) => r.outcome === 'success',
      );
      expect(publishes).toHaveLength(50);
      // Both processes took a share of the work.
      const owners = await db.query<{ lease: string }>(
        `SELECT DISTINCT details->>'worker' AS lease FROM post_events WHERE to_state = 'publishing' AND details ? 'worker'`,
      );
      expect(owners.rows.map((r) => r.lease).sort()).toEqual(['worker-a', 'worker-b']);
      for (const p of posts.slice(0, 3)) expect((await getPost(db, p.id))?.igMediaId).toMatch(/^\d+$/);
    } finally {
      for (const w of workers) w.kill('SIGTERM');
      const exits = await Promise.all(workers.map((w) => finished(w)));
      await scheduler.stop();
      await db.close();
      await emu.close();
      await store.cleanup();
      expect(exits.map((e) => e.code)).toEqual([0, 0]);
    }
  }, 180_000);
});
