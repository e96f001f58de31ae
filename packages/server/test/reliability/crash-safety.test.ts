/**
 * Crash safety on PostgreSQL: worker processes are killed with SIGKILL at random points while they publish posts
 * and send DMs — including right after Meta accepted a `media_publish` or a send, before anything was recorded —
 * then a survivor drains the work. Checked against the emulator's ground truth: 0 posts lost, 0 duplicate
 * publishes, 0 messages lost, 0 duplicate sends that were not reported `unknown`.
 *
 * `npm test` runs the short form; `npm run test:reliability` (IGKIT_RELIABILITY=full) runs ≥ 50 iterations.
 */
import { startEmulator } from '@igkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { createService, type Service } from '../../src/service.js';
import type { Db } from '../../src/store/db.js';
import { finished, spawnTs, waitForOutput } from '../helpers/child.js';
import { image, TEST_KEY } from '../helpers/harness.js';
import { subscribeUrl } from '../helpers/receiver.js';
import { testStore } from '../helpers/store.js';
import { until } from '../helpers/until.js';

const FULL = process.env['IGKIT_RELIABILITY'] === 'full';
const ITERATIONS = FULL ? 50 : 4;
const KILL_POINTS = ['/media_publish', '/messages', undefined] as const;

describe.runIf(process.env['DATABASE_URL'])('crash safety: SIGKILL workers mid-publish and mid-send', () => {
  const store = testStore('postgres');
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  let db: Db;
  let service: Service;
  let env: Record<string, string>;
  let receiverClose: () => Promise<void>;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 9 });
    db = await store.open();
    env = {
      DATABASE_URL: store.config.databaseUrl as string,
      IGKIT_DB_SCHEMA: store.config.schema,
      IGKIT_DATA_DIR: store.config.dataDir,
      IGKIT_SECRET_KEY: TEST_KEY,
      IGKIT_GRAPH_URL: emu.url,
      TEST_QUEUE_POLICIES: JSON.stringify({
        'publish-post': { expireInSeconds: 3, retryDelay: 0, retryBackoff: false, retryLimit: 50 },
        'send-message': { expireInSeconds: 3, retryDelay: 0, retryBackoff: false, retryLimit: 50 },
        'webhook-event': { retryDelay: 0, retryBackoff: false },
      }),
      TEST_LEASE_MS: '2500',
    };
  });
  afterAll(async () => {
    await receiverClose?.();
    await service?.stop();
    await db?.close();
    await emu?.close();
    await store.cleanup();
  });

  it(
    `loses nothing and duplicates nothing over ${ITERATIONS} kill iterations`,
    async () => {
      const account = await emu.control.createAccount({ username: 'crashy', loginType: 'instagram' });
      await emu.control.settings(account.igUserId, { publishingLimit: 1000, bucCallBudget: 1_000_000 });
      service = await createService({
        config: loadConfig(env),
        db,
        log: silentLogger(),
        supervise: true,
        // The same policies as the workers: a job takes its expiry from the queue when it is created.
        queuePolicies: JSON.parse(env['TEST_QUEUE_POLICIES'] as string),
        webhookSecrets: { appSecret: account.appSecret, verifyToken: account.verifyToken },
      });
      await service.connectAccount({
        id: account.igUserId,
        loginType: 'instagram',
        accessToken: account.accessToken,
      });
      receiverClose = await subscribeUrl(service, emu, account);
      const { igsid } = await emu.control.createUser({ username: 'patient' });
      await emu.control.userMessage(igsid, { igUserId: account.igUserId, text: 'hello' });
      await emu.control.webhooksIdle();
      await drainInbox(service, db);

      let kills = 0;
      const posts: string[] = [];
      const dms: Array<{ id: string; text: string }> = [];
      for (let i = 0; i < ITERATIONS; i++) {
        for (let k = 0; k < 3; k++)
          posts.push(
            (
              await service.schedulePost({
                accountId: account.igUserId,
                kind: k === 2 ? 'carousel' : 'feed',
                caption: `crash ${i}.${k}`,
                media:
                  k === 2
                    ? [{ url: image(`c${i}a`) }, { url: image(`c${i}b`) }]
                    : [{ url: image(`p${i}${k}`) }],
                publishAt: new Date(),
              })
            ).id,
          );
        for (let k = 0; k < 2; k++) {
          const text = `dm ${i}.${k}`;
          dms.push({
            id: (await service.sendMessage({ accountId: account.igUserId, recipientId: igsid, text })).id,
            text,
          });
        }
        const killAfter = KILL_POINTS[i % KILL_POINTS.length];
        const worker = spawnTs('packages/server/test/fixtures/worker-process.ts', [], {
          ...env,
          WORKER_ID: `victim-${i}`,
          ...(killAfter ? { TEST_KILL_AFTER: killAfter } : {}),
        });
        const exit = finished(worker);
        await waitForOutput(worker, 'ready').catch(() => {});
        // Without a self-kill point: kill at a random moment of its work.
        if (!killAfter) setTimeout(() => worker.kill('SIGKILL'), 50 + Math.floor(Math.random() * 400));
        const deadline = setTimeout(() => worker.kill('SIGKILL'), 8_000);
        const { code } = await exit;
        clearTimeout(deadline);
        if (code !== 0) kills++;
      }

      // A survivor drains everything.
      const survivor = spawnTs('packages/server/test/fixtures/worker-process.ts', [], {
        ...env,
        WORKER_ID: 'survivor',
      });
      try {
        await waitForOutput(survivor, 'ready');
        await until(
          async () => {
            const open = await db.query<{ n: number }>(
              `SELECT (SELECT count(*) FROM posts WHERE state NOT IN ('published', 'failed'))::int
                + (SELECT count(*) FROM messages WHERE direction = 'outbound' AND status IN ('queued', 'sending'))::int AS n`,
            );
            return open.rows[0]?.n === 0;
          },
          Boolean,
          120_000,
        ).catch(async (e) => {
          const dump = await db.query(
            `SELECT 'post' AS what, state AS s, count(*)::int AS n FROM posts GROUP BY state
           UNION ALL SELECT 'msg', status, count(*)::int FROM messages WHERE direction = 'outbound' GROUP BY status
           UNION ALL SELECT 'job:' || name, state::text, count(*)::int FROM ${store.config.schema}_jobs.job GROUP BY name, state`,
          );
          throw new Error(`${(e as Error).message}: ${JSON.stringify(dump.rows)}`);
        });
      } finally {
        survivor.kill('SIGTERM');
        await finished(survivor);
      }
      await emu.control.webhooksIdle();
      await drainInbox(service, db);

      const states = await db.query<{ state: string; n: number }>(
        'SELECT state, count(*)::int AS n FROM posts GROUP BY state',
      );
      const truth = await emu.control.state();
      const media = (truth.media as Array<{ isCarouselChild?: boolean; caption?: string }>).filter(
        (m) => !m.isCarouselChild,
      );
      const lost = posts.length - media.length;
      const captions = media.map((m) => m.caption);
      const dupCaptions = captions.length - new Set(captions).size;
      const emuTexts = (truth.messages as Array<{ text?: string; fromUser?: boolean }>).map((m) => m.text);
      const msgRows = await db.query<{ id: string; status: string }>(
        `SELECT id, status FROM messages WHERE direction = 'outbound'`,
      );
      const statusOf = new Map(msgRows.rows.map((r) => [r.id, r.status]));
      let dmLost = 0;
      let dmDupUnreported = 0;
      for (const d of dms) {
        const copies = emuTexts.filter((t) => t === d.text).length;
        const status = statusOf.get(d.id);
        if (status === 'sent' && copies === 0) dmLost++;
        if (status === 'queued' || status === 'sending') dmLost++;
        if (copies > 1 && status !== 'unknown' && status !== 'review') dmDupUnreported++;
      }
      console.log(
        `crash safety: ${ITERATIONS} iterations, ${kills} kills, ${posts.length} posts (${JSON.stringify(states.rows)}), ` +
          `${dms.length} DMs; lost posts ${lost}, duplicate publishes ${truth.duplicatePublishes.length + dupCaptions}, ` +
          `lost DMs ${dmLost}, unreported duplicate DMs ${dmDupUnreported}`,
      );
      expect(kills).toBeGreaterThan(0);
      expect(states.rows).toEqual([{ state: 'published', n: posts.length }]);
      expect(lost).toBe(0);
      expect(truth.duplicatePublishes).toEqual([]);
      expect(dupCaptions).toBe(0);
      expect(dmLost).toBe(0);
      expect(dmDupUnreported).toBe(0);
    },
    FULL ? 1_800_000 : 240_000,
  );
});

async function drainInbox(service: Service, db: Db): Promise<void> {
  const r = await db.query<{ id: string }>(
    `SELECT id FROM webhook_inbox WHERE status = 'pending' ORDER BY id`,
  );
  for (const { id } of r.rows) await service.handlers['webhook-event']({ inboxId: id });
}
