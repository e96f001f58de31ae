/**
 * Faults injected through the emulator: every post and message ends in the right state with the right reason,
 * within bounded retries. Each job attempt is driven here (6 = publish-post's 1 + 5 retries); a post still
 * `publishing` after them is what pg-boss then dead-letters and fails (that path: workers.test.ts).
 */

import type { FaultSpec } from '@igkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMessage } from '../../src/store/messages.js';
import { getPost, type Post } from '../../src/store/posts.js';
import { type Harness, harness, image } from '../helpers/harness.js';
import { type Receiver, startReceiver, subscribe } from '../helpers/receiver.js';

/** What this file injected and how everything ended, printed at the end (the suite's summary line). */
const tally = {
  faults: 0,
  posts: {} as Record<string, number>,
  messages: {} as Record<string, number>,
  duplicatePublishes: 0,
  duplicateSends: 0,
};

async function inject(h: Harness, fault: FaultSpec): Promise<void> {
  tally.faults++;
  await h.emu.control.setFault(fault);
}

async function countStates(h: Harness, table: 'posts' | 'messages', into: Record<string, number>) {
  const column = table === 'posts' ? 'state' : 'status';
  const r = await h.db.query<{ s: string; n: number }>(
    `SELECT ${column} AS s, count(*)::int AS n FROM ${table} GROUP BY 1`,
  );
  for (const row of r.rows) into[row.s] = (into[row.s] ?? 0) + row.n;
}

afterAll(() => {
  console.log(
    `faults: ${tally.faults} faults injected (plus a token expiry and a publishing-limit exhaustion); ` +
      `posts ${JSON.stringify(tally.posts)}, messages ${JSON.stringify(tally.messages)}; ` +
      `duplicate publishes ${tally.duplicatePublishes}, duplicate sends ${tally.duplicateSends}`,
  );
});

/** Runs a post's publish job like pg-boss would: up to `attempts` tries while it throws. */
async function runPublish(
  h: Harness,
  postId: string,
  attempts: number,
): Promise<{ post: Post; tries: number }> {
  let tries = 0;
  while (tries < attempts) {
    tries++;
    try {
      await h.service.handlers['publish-post']({ postId });
      const p = await getPost(h.db, postId);
      if (p?.state !== 'scheduled' && p?.state !== 'publishing') break;
      h.clock.advance(60_000);
    } catch {
      h.clock.advance(30_000 * 2 ** (tries - 1));
    }
  }
  return { post: (await getPost(h.db, postId)) as Post, tries };
}

describe('publishing under injected faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('pglite', { maxWaitTime: 20_000, leases: { publishMs: 30_000 } });
  });
  afterAll(async () => {
    if (h) {
      await countStates(h, 'posts', tally.posts);
      tally.duplicatePublishes += (await h.emu.control.state()).duplicatePublishes.length;
    }
    await h?.close();
  });

  const cases: Array<{
    name: string;
    fault?: FaultSpec;
    setup?: () => Promise<void>;
    state: Post['state'];
    code?: string;
    kind?: 'reel';
  }> = [
    {
      name: 'one 5xx on container create',
      fault: { method: 'POST', path: '/*/media', times: 1, status: 500 },
      state: 'published',
    },
    {
      name: 'a 5xx storm on every container create',
      fault: { method: 'POST', path: '/*/media', times: 0, status: 503 },
      state: 'publishing',
      code: 'API_ERROR',
    },
    {
      name: 'connection dropped after media_publish committed',
      fault: { method: 'POST', path: '/*/media_publish', times: 1, dropAfterCommit: true },
      state: 'published',
    },
    {
      name: 'a stuck container',
      fault: { method: 'POST', path: '/*/media', times: 1, container: 'stuck' },
      state: 'publishing',
      code: 'CONTAINER_TIMEOUT',
    },
    {
      name: 'a container that ends in ERROR',
      fault: { method: 'POST', path: '/*/media', times: 1, container: 'error' },
      state: 'failed',
    },
    {
      name: 'a rate-limit storm (code 32, page-level)',
      fault: {
        method: 'POST',
        path: '/*/media',
        times: 3,
        error: { code: 32, message: 'Page request limit reached' },
      },
      state: 'published',
    },
  ];

  for (const c of cases)
    it(`${c.name} → ${c.state}${c.code ? ` (${c.code})` : ''}`, async () => {
      await h.emu.control.clearFaults();
      if (c.fault) await inject(h, c.fault);
      const post = await h.service.schedulePost({
        accountId: h.account.igUserId,
        kind: 'feed',
        caption: c.name,
        media: [{ url: image(c.name.replace(/\W/g, '')) }],
        publishAt: new Date(h.clock.now()),
      });
      const { post: end, tries } = await runPublish(h, post.id, 6);
      expect(end.state).toBe(c.state);
      if (c.code) expect(end.lastError?.code).toBe(c.code);
      expect(tries).toBeLessThanOrEqual(6);
      const truth = await h.emu.control.state();
      expect(truth.duplicatePublishes).toEqual([]);
      await h.emu.control.clearFaults();
    });

  it('a timed-out container create (Meta answers after the client gave up) → published once', async () => {
    // A service whose Graph calls time out after 200 ms; the emulator holds this one request for 2 s of real time.
    const impatient = await h.another({ graph: { baseUrl: h.emu.url, timeoutMs: 200 } });
    await h.emu.control.clearFaults();
    await inject(h, { method: 'POST', path: '/*/media', times: 1, latencyMs: 2_000 });
    const post = await impatient.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      caption: 'timeout',
      media: [{ url: image('timeout') }],
      publishAt: new Date(h.clock.now()),
    });
    let tries = 0;
    const states: Array<string | undefined> = [];
    for (; tries < 6; tries++) {
      await impatient.handlers['publish-post']({ postId: post.id }).catch(() => {});
      states.push((await getPost(h.db, post.id))?.state);
      if (states.at(-1) === 'published') break;
      h.clock.advance(60_000);
    }
    // The first attempt gave up at the timeout (it would have succeeded after 2 s); a later one published.
    expect(states[0]).not.toBe('published');
    expect((await getPost(h.db, post.id))?.state).toBe('published');
    expect(tries).toBeLessThan(6);
    expect((await h.emu.control.state()).duplicatePublishes).toEqual([]);
    await h.emu.control.clearFaults();
  });

  it('token expiry mid-run parks the account’s posts; a new token publishes them once', async () => {
    const mk = (n: string) =>
      h.service.schedulePost({
        accountId: h.account.igUserId,
        kind: 'feed',
        caption: n,
        media: [{ url: image(n) }],
        publishAt: new Date(h.clock.now()),
      });
    const a = await mk('expiry-a');
    await h.service.handlers['publish-post']({ postId: a.id });
    const b = await mk('expiry-b');
    await h.emu.control.invalidateTokens(h.account.igUserId, 463);
    await h.service.handlers['publish-post']({ postId: b.id });
    expect((await getPost(h.db, b.id))?.state).toBe('needs_attention');
    const fresh = await h.emu.control.issueToken(h.account.igUserId);
    await h.service.connectAccount({
      id: h.account.igUserId,
      loginType: 'instagram',
      accessToken: fresh.accessToken,
    });
    await h.service.handlers['publish-post']({ postId: b.id });
    expect((await getPost(h.db, b.id))?.state).toBe('published');
  });

  it('publishing-limit exhaustion reschedules each further post to the next free slot, none fails', async () => {
    await h.emu.control.settings(h.account.igUserId, { publishingLimit: 0 });
    const p = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('limit') }],
      publishAt: new Date(h.clock.now()),
    });
    await h.service.handlers['publish-post']({ postId: p.id });
    const after = await getPost(h.db, p.id);
    expect(after?.state).toBe('scheduled');
    expect(after?.lastError?.code).toBe('PUBLISH_LIMIT');
    await h.emu.control.settings(h.account.igUserId, { publishingLimit: 50 });
  });
});

describe('messaging under injected faults', () => {
  let h: Harness;
  let rx: Receiver;
  beforeAll(async () => {
    h = await harness('pglite');
    rx = await startReceiver(h);
    await subscribe(h, rx.url);
  });
  afterAll(async () => {
    if (h) await countStates(h, 'messages', tally.messages);
    await rx?.close();
    await h?.close();
  });

  it.each([
    [
      'a 5xx (Meta may have stored it)',
      { method: 'POST', path: '*', times: 1, status: 502 } as FaultSpec,
      ['unknown', 'sent'],
    ],
    [
      'a dropped connection after commit',
      { method: 'POST', path: '*', times: 1, dropAfterCommit: true } as FaultSpec,
      ['unknown', 'sent'],
    ],
    [
      'a timeout (the send may have been stored)',
      { method: 'POST', path: '*', times: 1, latencyMs: 2_000 } as FaultSpec,
      ['unknown'],
    ],
    [
      'a 4xx refusal',
      {
        method: 'POST',
        path: '*',
        times: 1,
        error: { code: 100, message: 'Invalid parameter' },
      } as FaultSpec,
      ['failed'],
    ],
  ])('%s → %s, never sent twice', async (_name, fault, allowed) => {
    const { igsid } = await h.emu.control.createUser({
      username: `u${Math.random().toString(36).slice(2, 8)}`,
    });
    await h.emu.control.userMessage(igsid, { igUserId: h.account.igUserId, text: 'hi' });
    await h.emu.control.webhooksIdle();
    for (const e of await h.db
      .query<{ id: string }>(`SELECT id FROM webhook_inbox WHERE status = 'pending'`)
      .then((r) => r.rows))
      await h.service.handlers['webhook-event']({ inboxId: e.id });
    await inject(h, fault);
    // The timeout case runs on a service whose Graph calls give up after 200 ms (the fault holds 2 s).
    const svc = fault.latencyMs
      ? await h.another({ graph: { baseUrl: h.emu.url, timeoutMs: 200 } })
      : h.service;
    const text = `fault probe ${igsid}`;
    const m = await svc.sendMessage({ accountId: h.account.igUserId, recipientId: igsid, text });
    for (let i = 0; i < 3; i++) await svc.handlers['send-message']({ messageId: m.id }).catch(() => {});
    const status = (await getMessage(h.db, m.id))?.status;
    expect(allowed).toContain(status);
    const copies = ((await h.emu.control.state()).messages as Array<{ text?: string }>).filter(
      (x) => x.text === text,
    ).length;
    expect(copies).toBeLessThanOrEqual(1);
    tally.duplicateSends += Math.max(0, copies - 1);
    await h.emu.control.clearFaults();
  });
});
