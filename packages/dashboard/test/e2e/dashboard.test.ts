/**
 * End to end, in Debian's Chromium against the real service with the embedded emulator: sign in, compose and
 * schedule a carousel (reordered by keyboard, media checked first) and watch it publish on the calendar, reply
 * in the inbox inside the 24 h window and be refused outside it, replay a dead letter, search the audit log.
 * Every page passes axe-core with no serious or critical violation, fits a phone's width, and the browser
 * requests nothing but the service's own origin.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiKey } from '../../../server/src/store/api-keys.js';
import { insertDeadLetter } from '../../../server/src/store/dead-letters.js';
import { toLocalInput } from '../../src/lib/format.js';
import { type Running, seriousViolations, startDashboard } from './harness.js';

let env: Running;
let context: BrowserContext;
let page: Page;
const foreignRequests: string[] = [];

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function expectAccessible(p: Page, name: string) {
  const violations = await seriousViolations(p);
  expect(violations, `axe violations on ${name}`).toEqual([]);
}

beforeAll(async () => {
  env = await startDashboard(inject('pgliteTemplate'));
  context = await env.browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  const origin = new URL(env.url).origin;
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.origin !== origin) foreignRequests.push(r.url());
  });
}, 120_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await env?.close();
});

describe('dashboard', () => {
  it('refuses a wrong key, then signs in with a session cookie that is HttpOnly and SameSite=Strict', async () => {
    await page.goto(`${env.url}/`);
    await page.getByRole('heading', { name: 'Sign in to igkit' }).waitFor();
    await expectAccessible(page, 'sign-in');
    await page.getByLabel('API key').fill('igk_0000000000_wrongwrongwrongwrongwrongwrongwrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('invalid or revoked API key');
    await page.getByLabel('API key').fill(env.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Schedule' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/schedule');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'igkit_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // The key itself is kept nowhere in the page.
    const stored = String(
      await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })'),
    );
    expect(stored).not.toContain(env.key);
    await expectAccessible(page, 'schedule');
  });

  it('composes a carousel: reorders by keyboard, counts the caption live, checks media, schedules it', async () => {
    await page.getByRole('link', { name: 'Compose', exact: true }).click();
    await page.getByRole('heading', { name: 'Compose' }).waitFor();
    await page.getByLabel('Carousel').check();
    const url = (n: string, h = 1080) => `https://cdn.example.com/${n}.jpg?w=1080&h=${h}`;
    await page.getByLabel('Media 1 URL').fill(url('first'));
    await page.getByLabel('Media 2 URL').fill(url('second'));
    await page.getByRole('button', { name: 'Add media' }).click();
    await page.getByLabel('Media 3 URL').fill(url('third', 1350));
    // Keyboard: Alt+ArrowDown on item 1's handle moves it to position 2; the move button moves item 3 up.
    await page.getByRole('button', { name: /^Item 1: drag/ }).focus();
    await page.keyboard.press('Alt+ArrowDown');
    await page.getByRole('button', { name: 'Move item 3 up' }).click();
    const order = await page
      .locator('.media-list input[type="url"]')
      .evaluateAll((els) => els.map((e) => new URL((e as unknown as { value: string }).value).pathname));
    expect(order).toEqual(['/second.jpg', '/third.jpg', '/first.jpg']);
    await page.getByLabel('Caption', { exact: true }).fill('Fresh sourdough @bakery_friend');
    await page.getByLabel(/^Hashtags/).fill('bread, sourdough');
    await expect
      .poll(() => page.locator('#caption-counts').textContent())
      .toMatch(/49 \/ 2200 characters.*2 \/ 30 hashtags.*1 \/ 20 mentions/);
    await page.getByRole('button', { name: 'Check media', exact: true }).click();
    const checks = page.getByRole('list', { name: 'Media check' }).getByRole('listitem');
    await expect.poll(() => checks.count()).toBe(3);
    expect(await checks.nth(1).textContent()).toContain('JPEG · 1080×1350 · aspect 0.8');
    await expectAccessible(page, 'compose');
    // A tall image fails the check and blocks the save.
    await page.getByLabel('Media 1 URL').fill(url('tall', 2000));
    await page.getByRole('button', { name: 'Check media and schedule' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Fix the media marked');
    expect(await page.locator('.preflight').textContent()).toContain('aspect ratio');
    await page.getByLabel('Media 1 URL').fill(url('second'));
    await page.getByLabel('Publish at').fill(toLocalInput(new Date()));
    await page.getByRole('button', { name: 'Check media and schedule' }).click();
    await page.getByRole('heading', { name: /Carousel post/ }).waitFor();
  });

  it('shows the carousel publishing on the calendar and its stage timeline', async () => {
    const postId = page.url().split('/posts/')[1] as string;
    expect(postId).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('link', { name: '← Schedule' }).click();
    const chip = page.locator(`[data-post-id="${postId}"]`);
    await chip.waitFor();
    await until('the post to publish', async () =>
      (await chip.textContent())?.includes('published') ? true : undefined,
    );
    await chip.click();
    const timeline = page.getByRole('heading', { name: 'Timeline' }).locator('xpath=..');
    await until('the timeline to show every stage', async () => {
      const t = (await timeline.textContent()) ?? '';
      return [
        'Scheduled',
        'Publishing',
        'Carousel items created',
        'Container created',
        'Container ready',
        'Live on Instagram',
        'Published',
      ].every((s) => t.includes(s))
        ? t
        : undefined;
    });
    await expectAccessible(page, 'post');
    const media = await env.run.emulator?.emulator.control.state();
    const carousel = ((media?.media ?? []) as Array<{ isCarouselChild?: boolean }>).filter(
      (m) => !m.isCarouselChild,
    );
    expect(carousel).toHaveLength(1);
  });

  it('replies in the inbox inside the 24 h window and is refused outside it', async () => {
    const emu = env.run.emulator;
    if (!emu) throw new Error('expected the embedded emulator');
    await emu.emulator.control.userMessage(emu.user.igsid, {
      igUserId: emu.account.igUserId,
      text: 'Are you open on Sunday?',
    });
    await page.getByRole('link', { name: 'Inbox', exact: true }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.getByText('Are you open on Sunday?').waitFor({ timeout: 30_000 });
    expect(await page.locator('.thread').textContent()).toMatch(/Window open · (1 d|23 h( \d+ min)?) left/);
    await expectAccessible(page, 'inbox');
    await page.getByLabel('Reply', { exact: true }).fill('Yes, 8 to 12!');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => page.getByRole('status').last().textContent()).toContain('Reply queued.');
    await page.locator('.message.outbound', { hasText: 'Yes, 8 to 12!' }).waitFor();
    await until('the reply to be sent', async () =>
      (await page.locator('.message.outbound', { hasText: 'Yes, 8 to 12!' }).textContent())?.includes('sent')
        ? true
        : undefined,
    );
    // Eight days later (the window and HUMAN_AGENT's 7 days have passed), a reply is refused by the service.
    await env.run.service.db.query(
      `UPDATE conversations SET last_inbound_at = now() - interval '8 days' WHERE user_id = $1`,
      [emu.user.igsid],
    );
    await page.reload();
    await page.getByText('Window closed · no reply possible').first().waitFor();
    const outbound = async () =>
      (
        await env.run.service.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM messages WHERE direction = 'outbound' AND user_id = $1`,
          [emu.user.igsid],
        )
      ).rows[0]?.n;
    const before = await outbound();
    await page.getByLabel('Reply', { exact: true }).fill('Sorry for the late answer');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^Not sent: .*window/i);
    // Nothing was queued for the refused reply.
    expect(await outbound()).toBe(before);
  });

  it('replays a dead letter and searches the audit log', async () => {
    const post = await env.run.service.db.query<{ id: string }>(`SELECT id FROM posts LIMIT 1`);
    const dl = await insertDeadLetter(env.run.service.db, {
      queue: 'refresh-insights',
      jobId: 'e2e-job-1',
      errorCategory: 'transient',
      errorCode: 'GRAPH_1',
      attempts: 4,
      at: new Date(),
      payloadRef: { postId: post.rows[0]?.id },
    });
    await page.getByRole('link', { name: 'Operations', exact: true }).click();
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    await page.getByRole('heading', { name: 'Rate-limit usage' }).waitFor();
    await page.getByRole('button', { name: `Replay dead letter ${dl.id}` }).click();
    await expect
      .poll(() => page.getByRole('status').last().textContent())
      .toContain(`Dead letter ${dl.id} replayed`);
    const row = await env.run.service.db.query<{ status: string }>(
      'SELECT status FROM dead_letters WHERE id = $1',
      [dl.id],
    );
    expect(row.rows[0]?.status).toBe('replayed');
    await page.getByText('No open dead letters').waitFor();
    // The quota as the emulated Meta reports it, and usage samples from the publish above.
    expect(
      await page
        .getByText(/of \d+ used/)
        .first()
        .textContent(),
    ).toMatch(/1 of \d+ used/);
    await page.getByLabel('Action').fill('dead_letter.replay');
    await page.getByRole('button', { name: 'Search' }).click();
    const audit = page.locator('table.audit tbody tr');
    await expect.poll(() => audit.count()).toBe(1);
    expect(await audit.first().textContent()).toContain('dead_letter.replay');
    const exportHref = await page.getByRole('link', { name: 'Export NDJSON' }).getAttribute('href');
    expect(exportHref).toBe('/v1/audit/export?action=dead_letter.replay');
    const ndjson = await page.evaluate(async (href) => (await fetch(href as string)).text(), exportHref);
    const lines = ndjson
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string });
    expect(lines.map((l) => l.action)).toEqual(['dead_letter.replay']);
    await expectAccessible(page, 'operations');
  });

  it('reschedules, publishes now and cancels from the post page', async () => {
    const { service } = env.run;
    const accountId = env.run.emulator?.account.igUserId as string;
    const later = (days: number) => new Date(Date.now() + days * 86_400_000);
    const media = [{ url: 'https://cdn.example.com/action.jpg?w=1080&h=1080' }];
    const a = await service.schedulePost({ accountId, kind: 'feed', media, publishAt: later(2) });
    const b = await service.schedulePost({ accountId, kind: 'feed', media, publishAt: later(3) });
    await page.goto(`${env.url}/posts/${a.id}`);
    await page.getByRole('heading', { name: 'Actions' }).waitFor();
    const target = later(5);
    await page.getByLabel('New time').fill(toLocalInput(target));
    await page.getByRole('button', { name: 'Reschedule' }).click();
    await expect.poll(() => page.getByRole('status').last().textContent()).toContain('Reschedule: done.');
    const moved = await service.db.query<{ publish_at: Date }>('SELECT publish_at FROM posts WHERE id = $1', [
      a.id,
    ]);
    expect(Math.abs(new Date(moved.rows[0]?.publish_at as Date).getTime() - target.getTime())).toBeLessThan(
      60_000,
    );
    await page.getByRole('button', { name: 'Publish now' }).click();
    await until('the post to be published', async () =>
      (await page.getByRole('heading', { name: /Feed post/ }).textContent())?.includes('published')
        ? true
        : undefined,
    );
    expect(await page.getByRole('heading', { name: 'Actions' }).count()).toBe(0);
    await page.goto(`${env.url}/posts/${b.id}`);
    await page.getByRole('button', { name: 'Cancel post' }).click();
    await until('the post to be cancelled', async () =>
      (await page.getByRole('heading', { name: /Feed post/ }).textContent())?.includes('cancelled')
        ? true
        : undefined,
    );
    const state = await service.db.query<{ state: string }>('SELECT state FROM posts WHERE id = $1', [b.id]);
    expect(state.rows[0]?.state).toBe('cancelled');
  });

  it('reorders carousel items by dragging', async () => {
    await page.goto(`${env.url}/compose`);
    await page.getByLabel('Carousel').check();
    for (const [i, n] of ['one', 'two', 'three'].entries()) {
      if (i === 2) await page.getByRole('button', { name: 'Add media' }).click();
      await page.getByLabel(`Media ${i + 1} URL`).fill(`https://cdn.example.com/${n}.jpg`);
    }
    await page.locator('[data-media-index="2"]').dragTo(page.locator('[data-media-index="0"]'));
    const order = await page
      .locator('.media-list input[type="url"]')
      .evaluateAll((els) => els.map((e) => new URL((e as unknown as { value: string }).value).pathname));
    expect(order).toEqual(['/three.jpg', '/one.jpg', '/two.jpg']);
  });

  it('a key without message or admin scopes gets clear empty states, not errors', async () => {
    const { key } = await createApiKey(
      env.run.service.db,
      { name: 'viewer', scopes: ['posts:read'] },
      new Date(),
    );
    const ctx = await env.browser.newContext({ bypassCSP: true });
    const p = await ctx.newPage();
    await p.goto(`${env.url}/signin`);
    await p.getByLabel('API key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Schedule' }).waitFor();
    for (const [path, text] of [
      ['/inbox', 'Your API key cannot read messages'],
      ['/compose', 'Your API key cannot schedule posts'],
      ['/operations', 'need an API key with the admin scope'],
    ] as const) {
      await p.goto(`${env.url}${path}`);
      await p.getByText(text).waitFor();
      await expectAccessible(p, `${path} (viewer)`);
    }
    await ctx.close();
  });

  it('shows a clear error state: an unknown post, and the service going away mid-session', async () => {
    await page.goto(`${env.url}/posts/00000000-0000-4000-8000-000000000000`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /Something went wrong.*no post 00000000-0000-4000-8000-000000000000.*Try again/,
    );
    await expectAccessible(page, 'error state');
    await page.route('**/v1/dead-letters*', (route) => route.abort('connectionrefused'));
    await page.goto(`${env.url}/operations`);
    await page.getByText('The igkit service cannot be reached. Is it running?').waitFor();
    await page.unroute('**/v1/dead-letters*');
  });

  it('fits a phone: no page scrolls sideways at 390 px', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/schedule', '/compose', '/inbox', '/operations']) {
      await page.goto(`${env.url}${path}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = Number(
        await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
      );
      expect(overflow, `horizontal overflow on ${path}`).toBeLessThanOrEqual(0);
    }
  });

  it('a write with the cookie but without the CSRF token is refused; sign-out ends the session', async () => {
    const status = await page.evaluate(async () => {
      const r = await fetch('/v1/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountId: '1', recipientId: '2', text: 'x' }),
      });
      return { status: r.status, body: (await r.json()) as { error: { details: { rule?: string } } } };
    });
    expect(status.status).toBe(403);
    expect(status.body.error.details.rule).toBe('csrf');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to igkit' }).waitFor();
    const after = await page.evaluate(async () => (await fetch('/v1/posts')).status);
    expect(after).toBe(401);
  });

  it('asked the network for nothing outside the service', () => {
    expect(foreignRequests).toEqual([]);
  });
});
