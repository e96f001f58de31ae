/**
 * The real service with its embedded emulator, in this process, serving a dashboard freshly built by Vite, and
 * Debian's Chromium driven by playwright-core. Used by the end-to-end tests and `npm run screenshots`.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { loadConfig } from '../../../server/src/config/config.js';
import { silentLogger } from '../../../server/src/log/logger.js';
import { type RunningIgkit, startIgkit } from '../../../server/src/runtime/start-service.js';

export const CHROMIUM = process.env['IGKIT_CHROMIUM'] ?? '/usr/bin/chromium';
const DASHBOARD_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Fails with the fix when the browser is missing (`.ci/run` installs it). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium; .ci/run does this) or set IGKIT_CHROMIUM to a Chromium binary`,
    );
}

/** Builds the dashboard into a temporary directory (so the tests never run a stale build). */
export async function buildDashboard(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'igkit-dashboard-'));
  await build({
    configFile: join(DASHBOARD_ROOT, 'vite.config.ts'),
    root: DASHBOARD_ROOT,
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

export interface Running {
  run: RunningIgkit;
  url: string;
  key: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Starts the service on a copy of the PGlite template (`template`: an initialised data directory) and a browser.
 */
export async function startDashboard(template: string | undefined): Promise<Running> {
  requireChromium();
  const dashboardDir = await buildDashboard();
  const dataDir = mkdtempSync(join(tmpdir(), 'igkit-e2e-'));
  if (template) cpSync(template, dataDir, { recursive: true });
  const config = loadConfig(
    {
      IGKIT_DATA_DIR: dataDir,
      IGKIT_HOST: '127.0.0.1',
      IGKIT_PORT: '0',
      IGKIT_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
      IGKIT_LOG_LEVEL: 'error',
    },
    process.cwd(),
  );
  const run = await startIgkit({ config, log: silentLogger(), emulatorPort: 0, dashboardDir });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    run,
    url: run.apiUrl as string,
    key: run.firstStartKey as string,
    browser,
    async close() {
      await browser.close().catch(() => {});
      await run.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(dashboardDir, { recursive: true, force: true });
    },
  };
}

/** Runs axe-core in the page; resolves the violations of impact serious or critical. */
export async function seriousViolations(page: import('playwright-core').Page) {
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (o: unknown) => Promise<AxeResult> } }).axe;
    const r = await axe.run({ resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
      }));
  });
}

interface AxeResult {
  violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
}
