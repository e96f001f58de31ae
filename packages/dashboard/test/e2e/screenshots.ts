/**
 * `npm run screenshots`: starts the service with its embedded emulator and a freshly built dashboard, fills it
 * with a small realistic week (posts published and scheduled, a conversation, a dead letter), and writes a
 * desktop and a phone screenshot of every page to docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { insertDeadLetter } from '../../../server/src/store/dead-letters.js';
import { startDashboard } from './harness.js';

const OUT = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));
const SIZES = { desktop: { width: 1280, height: 860 }, phone: { width: 390, height: 844 } } as const;

async function waitQuiet(page: Page) {
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const env = await startDashboard(undefined);
  try {
    const { service } = env.run;
    const emu = env.run.emulator;
    if (!emu) throw new Error('expected the embedded emulator');
    const accountId = emu.account.igUserId;
    const img = (n: string, h = 1080) => `https://cdn.example.com/${n}.jpg?w=1080&h=${h}`;
    const at = (hours: number) => new Date(Date.now() + hours * 3600_000);
    const published = await service.schedulePost({
      accountId,
      kind: 'carousel',
      caption: 'Saturday bake: three loaves',
      hashtags: ['sourdough', 'bakery'],
      media: [{ url: img('rye') }, { url: img('spelt', 1350) }, { url: img('wheat') }],
      publishAt: at(-0.01),
    });
    for (const [i, h] of [20, 44, 70].entries())
      await service.schedulePost({
        accountId,
        kind: i === 1 ? 'reel' : 'feed',
        caption: ['Croissants at dawn', 'How we shape a baguette', 'Sunday opening hours'][i],
        media: [{ url: i === 1 ? 'https://cdn.example.com/shape.mp4?duration=20' : img(`post${i}`) }],
        publishAt: at(h),
      });
    await emu.emulator.control.userMessage(emu.user.igsid, {
      igUserId: accountId,
      text: 'Hi! Do you have gluten-free bread today?',
    });
    await insertDeadLetter(service.db, {
      queue: 'refresh-insights',
      jobId: 'screenshot-job',
      errorCategory: 'transient',
      errorCode: 'GRAPH_2',
      attempts: 4,
      at: new Date(),
      payloadRef: { postId: published.id },
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const r = await service.db.query<{ state: string }>('SELECT state FROM posts WHERE id = $1', [
        published.id,
      ]);
      const m = await service.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM messages WHERE direction = 'outbound'`,
      );
      if (r.rows[0]?.state === 'published' && (m.rows[0]?.n ?? 0) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    for (const [size, viewport] of Object.entries(SIZES)) {
      const context = await env.browser.newContext({ viewport, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(`${env.url}/signin`);
      await page.getByRole('heading', { name: 'Sign in to igkit' }).waitFor();
      await page.screenshot({ path: `${OUT}signin-${size}.png` });
      await page.getByLabel('API key').fill(env.key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Schedule' }).waitFor();
      const pages: Array<[string, string]> = [
        ['schedule', '/schedule'],
        ['post', `/posts/${published.id}`],
        ['compose', '/compose'],
        ['inbox', '/inbox'],
        ['operations', '/operations'],
      ];
      for (const [name, path] of pages) {
        await page.goto(`${env.url}${path}`);
        await waitQuiet(page);
        if (name === 'schedule') {
          await page.getByRole('button', { name: 'Month' }).click();
          await page.locator('.calendar-month').waitFor();
          await page.waitForLoadState('networkidle');
        }
        if (name === 'compose') {
          await page.getByLabel('Carousel').check();
          await page.getByLabel('Media 1 URL').fill(img('croissant'));
          await page.getByLabel('Media 2 URL').fill(img('pain-au-chocolat', 1350));
          await page.getByLabel('Caption', { exact: true }).fill('Fresh from the oven @neighbour_cafe');
          await page.getByLabel(/^Hashtags/).fill('pastry, morning');
          await page.getByRole('button', { name: 'Check media', exact: true }).click();
          await page.getByRole('list', { name: 'Media check' }).waitFor();
        }
        await page.screenshot({ path: `${OUT}${name}-${size}.png`, fullPage: size === 'desktop' });
        process.stdout.write(`wrote docs/screenshots/${name}-${size}.png\n`);
      }
      await context.close();
    }
  } finally {
    await env.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`screenshots failed: ${(e as Error).message}\n`);
  process.exit(1);
});
