/**
 * Privacy canaries: a run with a known access token, app secret and message text — publishing, DMs in and out,
 * a handler that fails (its error text holding the message) into the dead-letter store — then a scan of every log
 * line, audit row, dead-letter row and the whole database (igkit's tables and pg-boss's): zero occurrences.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { getPost } from '../../src/store/posts.js';
import { demoAutoReply } from '../../src/webhooks/handlers.js';
import { type Harness, harness, image } from '../helpers/harness.js';
import { type Receiver, startReceiver, subscribe } from '../helpers/receiver.js';
import { ENGINES } from '../helpers/store.js';
import { until } from '../helpers/until.js';

describe.each(ENGINES)('privacy canaries (%s)', (engine) => {
  let h: Harness;
  let rx: Receiver;
  const logs: string[] = [];
  const CANARY_TEXT = 'CANARY-diagnosis-hepatitis-7731';
  const CANARY_CAPTION_SECRET = 'CANARY-private-draft-note';
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _e, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    h = await harness(engine, {
      log: createLogger({ destination, level: 'trace', pretty: false }),
      webhookHandlers: [
        demoAutoReply,
        {
          onMessage(e) {
            if (e.message.text?.includes('fail'))
              throw new Error(`handler could not process "${e.message.text}"`);
          },
        },
      ],
      queuePolicies: { 'webhook-event': { retryLimit: 0, retryDelay: 0 } },
    });
    rx = await startReceiver(h);
    await subscribe(h, rx.url);
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });

  it('leaves no token, app secret or message text anywhere', async () => {
    const post = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      caption: 'public caption',
      media: [{ url: image('canary') }],
      publishAt: new Date(h.clock.now()),
    });
    await h.service.handlers['publish-post']({ postId: post.id });
    expect((await getPost(h.db, post.id))?.state).toBe('published');

    const { igsid } = await h.emu.control.createUser({ username: 'canary' });
    await h.emu.control.userMessage(igsid, { igUserId: h.account.igUserId, text: CANARY_TEXT });
    await h.emu.control.userMessage(igsid, {
      igUserId: h.account.igUserId,
      text: `please fail ${CANARY_TEXT}`,
    });
    await h.emu.control.webhooksIdle();
    await h.service.startWorkers();
    await until(async () => {
      const r = await h.db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM webhook_inbox WHERE status = 'pending')::int
              + (SELECT count(*) FROM messages WHERE status IN ('queued', 'sending'))::int
              + (SELECT CASE WHEN count(*) = 0 THEN 1 ELSE 0 END FROM dead_letters)::int AS n`,
      );
      return r.rows[0]?.n === 0;
    }, Boolean);
    await h.service
      .sendMessage({ accountId: h.account.igUserId, recipientId: igsid, text: `${CANARY_TEXT} reply` })
      .catch(() => {});
    await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      caption: 'x',
      media: [{ url: `https://cdn.example.com/a.jpg?note=${CANARY_CAPTION_SECRET}` }],
      publishAt: new Date(h.clock.now() + 3600_000),
    });

    const secrets = [h.account.accessToken, h.account.appSecret, CANARY_TEXT];
    const tables = await h.db.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
       WHERE table_schema IN ($1, $2) AND table_type = 'BASE TABLE'`,
      [h.db.schema, `${h.db.schema}_jobs`],
    );
    expect(tables.rows.length).toBeGreaterThan(10);
    let scanned = 0;
    for (const t of tables.rows) {
      const dump = await h.db.query<{ t: string | null }>(
        `SELECT string_agg(row_to_json(x)::text, '\n') AS t FROM "${t.schema}"."${t.name}" x`,
      );
      const text = dump.rows[0]?.t ?? '';
      scanned += text.length;
      for (const s of secrets)
        expect(text.includes(s), `${s.slice(0, 12)}… in ${t.schema}.${t.name}`).toBe(false);
    }
    expect(scanned).toBeGreaterThan(1000);
    const allLogs = logs.join('');
    expect(allLogs.length).toBeGreaterThan(0);
    for (const s of secrets) expect(allLogs.includes(s), `${s.slice(0, 12)}… in logs`).toBe(false);
    const deadLetters = await h.db.query('SELECT * FROM dead_letters');
    expect(deadLetters.rowCount).toBeGreaterThan(0);
  });
});
