/**
 * A worker dies after any Graph call of a publish (the call reached Meta, the answer never came back to us);
 * another worker picks the post up once the lease expires. Emulator ground truth: every post published exactly
 * once, never lost, never duplicated — for each crash point of a carousel publish.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPost } from '../src/store/posts.js';
import { groundTruth, type Harness, harness, image } from './helpers/harness.js';
import { ENGINES } from './helpers/store.js';

/** A fetch that forwards every call and, at call number `crashAt`, lets it reach the server, then never answers. */
function crashingFetch(crashAt: number, seen: string[]): typeof fetch {
  let n = 0;
  return async (input, init) => {
    n++;
    const url = new URL(String(input instanceof Request ? input.url : input));
    seen.push(
      `${init?.method ?? 'GET'} ${url.pathname.replace(/^\/v\d+\.\d+/, '').replace(/\d{6,}/g, ':id')}`,
    );
    const response = await fetch(input, init);
    if (n === crashAt) {
      await response.arrayBuffer();
      return new Promise<Response>(() => {}); // the process "died" here
    }
    return response;
  };
}

describe.each(ENGINES)('crash anywhere in a publish, resume elsewhere (%s)', (engine) => {
  let h: Harness;
  const calls: string[] = [];
  beforeAll(async () => {
    h = await harness(engine);
    // Learn the call sequence of one carousel publish.
    const worker = await h.another({
      graph: { baseUrl: h.emu.url, fetch: crashingFetch(Number.POSITIVE_INFINITY, calls) },
    });
    const post = await schedule();
    await worker.handlers['publish-post']({ postId: post.id });
    expect((await getPost(h.db, post.id))?.state).toBe('published');
  });
  afterAll(async () => h?.close());

  let n = 0;
  const schedule = () =>
    h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'carousel',
      caption: `crash test ${++n}`,
      media: [{ url: image('x') }, { url: image('y') }],
      publishAt: new Date(h.clock.now()),
    });

  it('knows the call sequence (quota read, children, parent, status reads, media_publish, permalink)', () => {
    expect(calls.filter((c) => c.startsWith('POST') && c.endsWith('/media'))).toHaveLength(3);
    expect(calls.filter((c) => c.endsWith('/media_publish'))).toHaveLength(1);
    expect(calls.length).toBeGreaterThanOrEqual(6);
  });

  it('publishes exactly once whichever call the first worker died after', async () => {
    const sequence = [...calls];
    for (let crashAt = 1; crashAt <= sequence.length; crashAt++) {
      const post = await schedule();
      const dying = await h.another({ graph: { baseUrl: h.emu.url, fetch: crashingFetch(crashAt, []) } });
      void dying.handlers['publish-post']({ postId: post.id }); // never settles: its process died
      await new Promise((r) => setTimeout(r, 0));
      await waitFor(async () => (await getPost(h.db, post.id))?.state === 'publishing');
      // Give the dead worker's requests time to land, then let its lease run out.
      await untilCheckpointsSettle(h);
      h.clock.advance(10 * 60_000);
      await h.service.handlers['publish-post']({ postId: post.id }).catch(async (e) => {
        console.log(
          'DBG',
          crashAt,
          sequence[crashAt - 1],
          JSON.stringify((await getPost(h.db, post.id))?.lastError),
        );
        throw e;
      });
      const done = await getPost(h.db, post.id);
      expect(done?.state, `crash after call ${crashAt} (${sequence[crashAt - 1]})`).toBe('published');
      expect(done?.igMediaId, `media id after a crash at call ${crashAt}`).toMatch(/^\d+$/);
    }
    const truth = await groundTruth(h.emu);
    expect(truth.duplicates).toBe(0);
    expect(truth.posts).toBe(1 + sequence.length);
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not reached');
}

/** Waits until the checkpoint shows the dead worker got as far as it will (its last stage write is durable). */
async function untilCheckpointsSettle(h: Harness): Promise<void> {
  let last = '';
  for (let stable = 0, i = 0; stable < 5 && i < 500; i++) {
    const r = await h.db.query<{ v: number }>(
      'SELECT coalesce(max(version), 0) AS v FROM publish_checkpoints',
    );
    const now = JSON.stringify(r.rows);
    stable = now === last ? stable + 1 : 0;
    last = now;
    await new Promise((res) => setTimeout(res, 20));
  }
}
