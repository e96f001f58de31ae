import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canTransition,
  POST_STATES,
  POST_TRANSITIONS,
  type PostState,
} from '../src/scheduler/post-states.js';
import { upsertAccount } from '../src/store/accounts.js';
import type { Db } from '../src/store/db.js';
import { getPost, insertPost, listPosts, postTimeline, transitionPost } from '../src/store/posts.js';
import { Vault } from '../src/vault/vault.js';
import { ENGINES, type TestStore, testStore } from './helpers/store.js';

describe('post state machine', () => {
  it('has terminal published and cancelled states, and publishing only from scheduled', () => {
    expect(POST_TRANSITIONS.published).toEqual([]);
    expect(POST_TRANSITIONS.cancelled).toEqual([]);
    expect(POST_STATES.filter((s) => canTransition(s, 'publishing'))).toEqual(['scheduled', 'publishing']);
    expect(POST_STATES.filter((s) => canTransition(s, 'cancelled'))).toEqual([
      'scheduled',
      'needs_attention',
    ]);
  });
});

describe.each(ENGINES)('stored transitions (%s)', (engine) => {
  let store: TestStore;
  let db: Db;
  const at = new Date('2026-11-29T12:00:00Z');
  beforeAll(async () => {
    store = testStore(engine);
    db = await store.open();
    await upsertAccount(
      db,
      new Vault(Buffer.alloc(32, 3)),
      { id: '1', loginType: 'instagram', accessToken: 'token-xyz-123' },
      at,
    );
  });
  afterAll(async () => {
    await db?.close();
    await store?.cleanup();
  });

  /** A post forced into `state` (through allowed steps), to try every transition from it. */
  async function postIn(state: PostState): Promise<string> {
    const id = crypto.randomUUID();
    await insertPost(
      db,
      { id, accountId: '1', kind: 'feed', media: [{ url: 'https://x/y.jpg' }], publishAt: at },
      at,
    );
    const path: Record<PostState, PostState[]> = {
      scheduled: [],
      publishing: ['publishing'],
      published: ['publishing', 'published'],
      failed: ['publishing', 'failed'],
      needs_attention: ['needs_attention'],
      cancelled: ['cancelled'],
    };
    for (const step of path[state]) expect(await transitionPost(db, id, step, 'setup', { at })).toBeDefined();
    return id;
  }

  it('allows exactly the transitions of the table, each recorded with time and reason; others change nothing', async () => {
    for (const from of POST_STATES)
      for (const to of POST_STATES) {
        const id = await postIn(from);
        const before = await postTimeline(db, id);
        const moved = await transitionPost(db, id, to, `try ${from}→${to}`, { at, details: { n: 1 } });
        const after = await getPost(db, id);
        if (canTransition(from, to)) {
          expect(moved, `${from}→${to}`).toBe(from);
          expect(after?.state).toBe(to);
          const last = (await postTimeline(db, id)).at(-1);
          expect(last).toMatchObject({ from, to, reason: `try ${from}→${to}`, details: { n: 1 } });
          expect(last?.at.getTime()).toBe(at.getTime());
        } else {
          expect(moved, `${from}→${to}`).toBeUndefined();
          expect(after?.state).toBe(from);
          expect(await postTimeline(db, id)).toHaveLength(before.length);
        }
      }
  });

  it('lists posts by filters with keyset paging in (publish_at, id) order', async () => {
    const at0 = new Date('2027-03-01T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = crypto.randomUUID();
      ids.push(id);
      await insertPost(
        db,
        {
          id,
          accountId: '1',
          kind: 'feed',
          media: [{ url: 'https://x/y.jpg' }],
          publishAt: new Date(at0.getTime() + (i % 3) * 60_000),
        },
        at0,
      );
    }
    const page1 = await listPosts(db, { from: at0, limit: 2 });
    const last = page1.at(-1)!;
    const page2 = await listPosts(db, {
      from: at0,
      limit: 2,
      after: { publishAt: last.publishAt, id: last.id },
    });
    const page3 = await listPosts(db, {
      from: at0,
      limit: 2,
      after: { publishAt: page2.at(-1)!.publishAt, id: page2.at(-1)!.id },
    });
    const all = [...page1, ...page2, ...page3];
    expect(all.map((p) => p.id).sort()).toEqual([...ids].sort());
    const keys = all.map((p) => `${p.publishAt.toISOString()}|${p.id}`);
    expect(keys).toEqual([...keys].sort());
    expect(await listPosts(db, { from: at0, to: new Date(at0.getTime() + 60_000) })).toHaveLength(2);
    expect(await listPosts(db, { from: at0, state: 'published' })).toEqual([]);
  });
});
