import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit } from '../src/audit/audit-log.js';
import { ServiceError } from '../src/errors.js';
import { getAccount } from '../src/store/accounts.js';
import { getPost, postTimeline } from '../src/store/posts.js';
import { groundTruth, type Harness, harness, image } from './helpers/harness.js';
import { ENGINES } from './helpers/store.js';

async function jobsOf(h: Harness, queue: string, postId: string) {
  const r = await h.db.query<{ state: string; start_after: Date }>(
    `SELECT state, start_after FROM ${h.db.schema}_jobs.job WHERE name = $1 AND data->>'postId' = $2 ORDER BY created_on, start_after`,
    [queue, postId],
  );
  return r.rows.map((j) => ({ state: j.state, startAfter: new Date(j.start_after).getTime() }));
}

describe.each(ENGINES)('scheduler on %s', (engine) => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('publishes a due post once, records every transition, audits each mutating Graph call and schedules insights', async () => {
    h = await harness(engine);
    const post = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'carousel',
      caption: 'Three croissants',
      hashtags: ['bakery'],
      media: [{ url: image('a') }, { url: image('b') }, { url: image('c') }],
      publishAt: new Date(h.clock.now()),
    });
    expect(post.state).toBe('scheduled');
    expect(await jobsOf(h, 'publish-post', post.id)).toEqual([
      { state: 'created', startAfter: h.clock.now() },
    ]);

    await h.service.handlers['publish-post']({ postId: post.id });
    const done = await getPost(h.db, post.id);
    expect(done?.state).toBe('published');
    expect(done?.igMediaId).toMatch(/^\d+$/);
    expect(done?.permalink).toMatch(/^https:\/\/www\.instagram\.com\/p\//);
    expect((await postTimeline(h.db, post.id)).map((e) => [e.from, e.to, e.reason])).toEqual([
      [null, 'scheduled', 'scheduled'],
      ['scheduled', 'publishing', 'publishing'],
      ['publishing', 'published', 'published'],
    ]);
    expect(await groundTruth(h.emu)).toEqual({ posts: 1, duplicates: 0 });

    const actions = (await queryAudit(h.db, { limit: 1000 })).map((r) => r.action);
    expect(actions.filter((a) => a === 'graph.container_create')).toHaveLength(4); // 3 children + parent
    expect(actions.filter((a) => a === 'graph.media_publish')).toHaveLength(1);
    expect(actions).toEqual(expect.arrayContaining(['post.schedule', 'post.publishing', 'post.published']));
    const audit = JSON.stringify(await queryAudit(h.db, { limit: 1000 }));
    expect(audit).not.toContain(h.account.accessToken);
    expect(audit).not.toContain('Three croissants');

    const insights = await jobsOf(h, 'refresh-insights', post.id);
    expect(insights.map((j) => j.startAfter - h.clock.now())).toEqual([3600_000, 86_400_000, 604_800_000]);
    await h.service.handlers['refresh-insights']({ postId: post.id });
    const stored = await h.db.query<{ metrics: Record<string, number> }>(
      'SELECT metrics FROM post_insights WHERE post_id = $1',
      [post.id],
    );
    expect(Object.keys(stored.rows[0]?.metrics ?? {})).toEqual(expect.arrayContaining(['reach']));

    // A second run of the same job (pg-boss redelivery) does nothing.
    await h.service.handlers['publish-post']({ postId: post.id });
    expect(await groundTruth(h.emu)).toEqual({ posts: 1, duplicates: 0 });
  });

  it('validates input with the library rules and names the field and the rule', async () => {
    h = await harness(engine);
    const base = { accountId: h.account.igUserId, publishAt: new Date(h.clock.now()) };
    const cases: Array<[Parameters<typeof h.service.schedulePost>[0], string, string]> = [
      [{ ...base, kind: 'carousel', media: [{ url: image('a') }] }, 'media', 'INVALID_CAROUSEL'],
      [
        {
          ...base,
          kind: 'feed',
          media: [{ url: image('a') }],
          hashtags: Array.from({ length: 31 }, (_, i) => `t${i}`),
        },
        'caption',
        'INVALID_CAPTION',
      ],
      [{ ...base, kind: 'feed', media: [{ url: 'ftp://x/y.jpg' }] }, 'media[0].url', 'url'],
      [{ ...base, kind: 'feed', media: [] }, 'media', 'min_items'],
      [{ ...base, kind: 'feed', media: [{ url: image('a') }, { url: image('b') }] }, 'media', 'max_items'],
      [
        { ...base, kind: 'feed', media: [{ url: image('a') }], publishAt: new Date('nope') },
        'publishAt',
        'date',
      ],
      [{ ...base, kind: 'gif' as 'feed', media: [{ url: image('a') }] }, 'kind', 'enum'],
    ];
    for (const url of [
      'http://127.0.0.1/a.jpg',
      'http://[::1]/a.jpg',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.5/a.jpg',
      'http://[::ffff:192.168.1.1]/a.jpg',
      'http://localhost:8080/a.jpg',
      'http://intranet/a.jpg',
      'https://printer.local/a.jpg',
    ])
      cases.push([{ ...base, kind: 'feed', media: [{ url }] }, 'media[0].url', 'public_url']);
    cases.push([
      {
        ...base,
        kind: 'reel',
        media: [{ url: 'https://cdn.example.com/v.mp4' }],
        coverUrl: 'http://192.168.0.1/c.jpg',
      },
      'coverUrl',
      'public_url',
    ]);
    for (const [input, field, rule] of cases) {
      const error = await h.service.schedulePost(input).catch((e: unknown) => e);
      expect(error, `${field}/${rule}`).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).code).toBe('VALIDATION');
      expect((error as ServiceError).details).toMatchObject({ field, rule });
    }
    const missing = await h.service
      .schedulePost({ ...base, accountId: '999', kind: 'feed', media: [{ url: image('a') }] })
      .catch((e: unknown) => e);
    expect((missing as ServiceError).code).toBe('NOT_FOUND');
    expect((await h.db.query('SELECT 1 FROM posts')).rowCount).toBe(0);
  });

  it('returns the first post for a repeated idempotency key and stores nothing new', async () => {
    h = await harness(engine);
    const input = {
      accountId: h.account.igUserId,
      kind: 'feed' as const,
      media: [{ url: image('a') }],
      publishAt: new Date(h.clock.now() + 60_000),
      idempotencyKey: 'campaign-7/post-1',
    };
    const [a, b] = await Promise.all([h.service.schedulePost(input), h.service.schedulePost(input)]);
    const c = await h.service.schedulePost({ ...input, caption: 'different' });
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    expect((await h.db.query('SELECT 1 FROM posts')).rowCount).toBe(1);
    expect(await jobsOf(h, 'publish-post', a.id)).toHaveLength(1);
  });

  it('cancels and reschedules until publishing starts; a superseded job does nothing', async () => {
    h = await harness(engine);
    const t0 = h.clock.now();
    const post = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('a') }],
      publishAt: new Date(t0 + 60_000),
    });
    const moved = await h.service.reschedulePost(post.id, new Date(t0 + 3600_000));
    expect(moved.publishAt.getTime()).toBe(t0 + 3600_000);
    expect((await jobsOf(h, 'publish-post', post.id)).map((j) => j.startAfter)).toEqual([
      t0 + 60_000,
      t0 + 3600_000,
    ]);

    h.clock.advance(60_000); // the first job fires at the old time: superseded
    await h.service.handlers['publish-post']({ postId: post.id });
    expect((await getPost(h.db, post.id))?.state).toBe('scheduled');
    expect((await groundTruth(h.emu)).posts).toBe(0);

    const cancelled = await h.service.cancelPost(post.id);
    expect(cancelled.state).toBe('cancelled');
    h.clock.advance(3600_000);
    await h.service.handlers['publish-post']({ postId: post.id });
    expect((await getPost(h.db, post.id))?.state).toBe('cancelled');
    expect((await groundTruth(h.emu)).posts).toBe(0);
    await expect(h.service.cancelPost(post.id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(h.service.reschedulePost(post.id, new Date())).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });

    const other = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('b') }],
      publishAt: new Date(h.clock.now()),
    });
    await h.service.handlers['publish-post']({ postId: other.id });
    await expect(h.service.cancelPost(other.id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect((await postTimeline(h.db, post.id)).map((e) => e.to)).toEqual([
      'scheduled',
      'scheduled',
      'cancelled',
    ]);
  });

  it('reschedules on RATE_LIMIT at the time Meta gives, without counting a failure', async () => {
    h = await harness(engine);
    await h.emu.control.setFault({
      method: 'POST',
      path: '/*/media',
      times: 0,
      error: { code: 4, message: 'Application request limit reached', estimated_time_to_regain_access: 7 },
    });
    const post = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('a') }],
      publishAt: new Date(h.clock.now()),
    });
    await h.service.handlers['publish-post']({ postId: post.id });
    const after = await getPost(h.db, post.id);
    expect(after?.state).toBe('scheduled');
    expect(after?.lastError?.code).toBe('RATE_LIMIT');
    const retryAt = after?.nextAttemptAt?.getTime() ?? 0;
    expect(retryAt).toBeGreaterThan(h.clock.now());
    const timeline = await postTimeline(h.db, post.id);
    expect(timeline.at(-1)).toMatchObject({ from: 'publishing', to: 'scheduled', reason: 'rate_limited' });
    expect((await jobsOf(h, 'publish-post', post.id)).map((j) => j.startAfter)).toContain(retryAt);
    expect((await h.db.query('SELECT 1 FROM job_failures')).rowCount).toBe(0);

    await h.emu.control.clearFaults();
    h.clock.advance(retryAt - h.clock.now());
    await h.service.handlers['publish-post']({ postId: post.id });
    expect((await getPost(h.db, post.id))?.state).toBe('published');
    expect(await groundTruth(h.emu)).toEqual({ posts: 1, duplicates: 0 });
  });

  it('reschedules on PUBLISH_LIMIT at the next free slot of the rolling window', async () => {
    h = await harness(engine);
    await h.emu.control.settings(h.account.igUserId, { publishingLimit: 1 });
    const first = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('a') }],
      publishAt: new Date(h.clock.now()),
    });
    const publishedAt = h.clock.now();
    await h.service.handlers['publish-post']({ postId: first.id });
    h.clock.advance(60_000);
    const second = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('b') }],
      publishAt: new Date(h.clock.now()),
    });
    await h.service.handlers['publish-post']({ postId: second.id });
    const parked = await getPost(h.db, second.id);
    expect(parked?.state).toBe('scheduled');
    expect(parked?.lastError?.code).toBe('PUBLISH_LIMIT');
    // The slot frees 24 h after the first publish.
    expect(Math.abs((parked?.nextAttemptAt?.getTime() ?? 0) - (publishedAt + 86_400_000))).toBeLessThan(
      5_000,
    );
    expect((await postTimeline(h.db, second.id)).at(-1)?.reason).toBe('publish_limit');
    expect((await groundTruth(h.emu)).posts).toBe(1);
  });

  it('parks posts on OAUTH_ERROR, marks the account, and resumes them when a new token is stored', async () => {
    h = await harness(engine);
    const mk = (n: string) =>
      h.service.schedulePost({
        accountId: h.account.igUserId,
        kind: 'feed',
        media: [{ url: image(n) }],
        publishAt: new Date(h.clock.now()),
      });
    const [a, b] = [await mk('a'), await mk('b')];
    await h.emu.control.invalidateTokens(h.account.igUserId, 460);
    await h.service.handlers['publish-post']({ postId: a.id });
    expect((await getPost(h.db, a.id))?.state).toBe('needs_attention');
    expect((await getAccount(h.db, h.account.igUserId))?.status).toBe('reauth_required');
    // The next due post is parked without calling Meta.
    await h.service.handlers['publish-post']({ postId: b.id });
    expect((await getPost(h.db, b.id))?.state).toBe('needs_attention');
    const audit = await queryAudit(h.db, { action: 'account.reauth_required' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ graph_code: 190, graph_subcode: 460 });

    const fresh = await h.emu.control.issueToken(h.account.igUserId);
    const { resumedPosts, account } = await h.service.connectAccount({
      id: h.account.igUserId,
      loginType: 'instagram',
      accessToken: fresh.accessToken,
    });
    expect(resumedPosts).toBe(2);
    expect(account.status).toBe('active');
    for (const p of [a, b]) {
      expect((await getPost(h.db, p.id))?.state).toBe('scheduled');
      await h.service.handlers['publish-post']({ postId: p.id });
      expect((await getPost(h.db, p.id))?.state).toBe('published');
    }
    expect(await groundTruth(h.emu)).toEqual({ posts: 2, duplicates: 0 });
  });

  it('fails user-fixable errors at once with the reason, and leaves transient ones to pg-boss retries', async () => {
    h = await harness(engine);
    // Meta refuses the media (2207xxx): the user must fix the request.
    await h.emu.control.setFault({
      method: 'POST',
      path: '/*/media',
      times: 1,
      error: { code: 100, error_subcode: 2207052, message: 'Media could not be fetched' },
    });
    const bad = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('a') }],
      publishAt: new Date(h.clock.now()),
    });
    await h.service.handlers['publish-post']({ postId: bad.id });
    const failed = await getPost(h.db, bad.id);
    expect(failed?.state).toBe('failed');
    expect(failed?.lastError).toMatchObject({ retryable: false });
    expect(failed?.lastError?.details).toMatchObject({ graphCode: 100, graphSubcode: 2207052 });

    await h.emu.control.setFault({ method: 'POST', path: '/*/media', times: 0, status: 503 });
    const flaky = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('b') }],
      publishAt: new Date(h.clock.now()),
    });
    await expect(h.service.handlers['publish-post']({ postId: flaky.id })).rejects.toMatchObject({
      name: 'JobError',
      category: 'transient',
    });
    const retrying = await getPost(h.db, flaky.id);
    expect(retrying?.state).toBe('publishing');
    expect((await postTimeline(h.db, flaky.id)).at(-1)).toMatchObject({
      to: 'publishing',
      reason: 'retrying',
    });

    await h.emu.control.clearFaults();
    await h.service.handlers['publish-post']({ postId: flaky.id });
    expect((await getPost(h.db, flaky.id))?.state).toBe('published');
    expect((await postTimeline(h.db, flaky.id)).map((e) => e.reason)).toEqual([
      'scheduled',
      'publishing',
      'retrying',
      'resumed',
      'published',
    ]);
  });

  it('with IGKIT_MEDIA_PREFLIGHT, checks media before any container is created and fails a bad URL with the reason', async () => {
    h = await harness(engine, {}, { IGKIT_MEDIA_PREFLIGHT: 'true' });
    const post = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: 'https://media.does-not-exist.invalid/a.jpg' }],
      publishAt: new Date(h.clock.now()),
    });
    await h.service.handlers['publish-post']({ postId: post.id }).catch(() => {});
    const after = await getPost(h.db, post.id);
    expect(after?.lastError?.code).toBe('MEDIA_ERROR');
    expect(JSON.stringify(after?.lastError)).toMatch(/preflight|resolve|reach|fetch/i);
    expect(await queryAudit(h.db, { action: 'graph.container_create' })).toEqual([]);
  });

  it('does not hold a job slot through a long container wait: parks the post at its next status read and resumes from the checkpoint', async () => {
    h = await harness(engine);
    const T = 60_000; // the reel's container processes for 60 s (emulator hint, fake time)
    const post = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'reel',
      media: [{ url: `https://cdn.example.com/long.mp4?processMs=${T}`, kind: 'video' }],
      publishAt: new Date(h.clock.now()),
    });
    const t0 = h.clock.now();
    const parkedJob = async () => {
      const r = await h.db.query<{ data: { postId: string; waitSince?: number }; start_after: Date }>(
        `SELECT data, start_after FROM ${h.db.schema}_jobs.job
          WHERE name = 'publish-post' AND data->>'postId' = $1 AND data ? 'waitSince'
          ORDER BY start_after DESC LIMIT 1`,
        [post.id],
      );
      return r.rows[0];
    };

    await h.service.handlers['publish-post']({ postId: post.id });
    // The job ended at a long wait: still publishing, the container recorded, the lease free, a job due at the
    // next status read.
    expect((await getPost(h.db, post.id))?.state).toBe('publishing');
    const cp = await h.db.query<{ stage: string; lease_owner: string | null }>(
      'SELECT stage, lease_owner FROM publish_checkpoints WHERE key = $1',
      [`post:${post.id}`],
    );
    expect(cp.rows[0]).toEqual({ stage: 'container_created', lease_owner: null });
    let job = await parkedJob();
    expect(job?.data.waitSince).toBe(t0);
    expect(new Date(job!.start_after).getTime()).toBeGreaterThan(h.clock.now());
    expect(h.clock.now() - t0).toBeLessThan(T); // parked before the container was ready

    let parks = 1;
    for (; parks < 30; parks++) {
      const due = new Date(job!.start_after).getTime();
      h.clock.advance(Math.max(0, due - h.clock.now()));
      await h.service.handlers['publish-post'](job!.data);
      if ((await getPost(h.db, post.id))?.state === 'published') break;
      const next = await parkedJob();
      expect(new Date(next!.start_after).getTime()).toBeGreaterThan(due); // each park is a later read
      job = next;
    }
    const done = await getPost(h.db, post.id);
    expect(done?.state).toBe('published');
    expect(await groundTruth(h.emu)).toEqual({ posts: 1, duplicates: 0 });
    // The same adaptive schedule across the parks: seen within 1.25·T + 200 ms, in O(log T) runs.
    expect(done!.publishedAt!.getTime() - t0).toBeLessThanOrEqual(1.25 * T + 200);
    expect(parks).toBeLessThanOrEqual(10);
    // One attempt: the resumed runs add no timeline events and count no attempts.
    expect((await postTimeline(h.db, post.id)).map((e) => e.reason)).toEqual([
      'scheduled',
      'publishing',
      'published',
    ]);
    expect(done?.attempts).toBe(1);
  });
});
