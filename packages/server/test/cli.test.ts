/**
 * The real `igkit` binary (bin/igkit.js, as `npx igkit` runs it) against a service API served on a port: output,
 * `--json` parseability (stdout holds only JSON), per-row errors of bulk scheduling, one-line errors and exit codes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, parseWhen } from '../src/cli/commands.js';
import { createApi } from '../src/http/app.js';
import { createHealth } from '../src/http/health.js';
import { createMetrics } from '../src/http/metrics.js';
import { QUEUE_NAMES } from '../src/jobs/queues.js';
import { createApiKey } from '../src/store/api-keys.js';
import { REPO_ROOT } from './helpers/child.js';
import { type Harness, harness, image } from './helpers/harness.js';

const BIN = join(REPO_ROOT, 'packages/server/bin/igkit.js');

function igkit(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('igkit CLI (real binary)', () => {
  let h: Harness;
  let server: ServerType;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    h = await harness('pglite');
    const app = createApi({
      service: h.service,
      metrics: createMetrics({ db: h.db, boss: h.service.boss, queues: QUEUE_NAMES }),
      health: createHealth({ db: h.db, boss: h.service.boss, graphUrl: h.emu.url }),
    });
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
        resolve(info.port),
      );
    });
    const { key } = await createApiKey(h.db, { name: 'cli', scopes: ['admin'] }, h.service.now());
    env = { IGKIT_URL: `http://127.0.0.1:${port}`, IGKIT_API_KEY: key };
    dir = mkdtempSync(join(tmpdir(), 'igkit-cli-'));
  });
  afterAll(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('schedules a post, lists and shows it; --json prints only JSON', async () => {
    const when = new Date(h.clock.now() + 3_600_000).toISOString();
    const scheduled = await igkit(
      ['schedule', '--media', image('cli'), '--caption', 'From the CLI', '--at', when, '--json'],
      env,
    );
    expect(scheduled.code).toBe(0);
    const post = JSON.parse(scheduled.stdout) as { id: string; state: string; accountId: string };
    expect(post).toMatchObject({ state: 'scheduled', accountId: h.account.igUserId });

    const list = await igkit(['posts', '--json'], env);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { data: Array<{ id: string }> }).data.map((p) => p.id)).toContain(
      post.id,
    );

    const table = await igkit(['post', post.id], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`${post.id}  feed  scheduled`);
    expect(table.stdout).toMatch(/scheduled\s+scheduled/);

    const cancelled = await igkit(['cancel', post.id], env);
    expect(cancelled.stdout.trim()).toBe(`${post.id} cancelled`);
    const again = await igkit(['cancel', post.id], env);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/^igkit: INVALID_STATE: post .* is cancelled/);
  }, 90_000);

  it('bulk-schedules a CSV and reports each bad row without stopping', async () => {
    const file = join(dir, 'posts.csv');
    const acct = h.account.igUserId;
    writeFileSync(
      file,
      [
        'accountId,kind,publishAt,caption,media,hashtags',
        `${acct},feed,+2h,"Bread, fresh",${image('a')},bakery`,
        `${acct},carousel,+3h,Only one,${image('b')},`,
        `${acct},feed,tomorrow,Bad time,${image('c')},`,
        `${acct},carousel,+4h,Two,"${image('d')} ${image('e')}",`,
      ].join('\n'),
    );
    const res = await igkit(['schedule', '--file', file, '--json'], env);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as {
      scheduled: number;
      failed: number;
      rows: Array<{ row: number; error?: { code: string; message: string } }>;
    };
    expect(report).toMatchObject({ scheduled: 2, failed: 2 });
    expect(report.rows.filter((r) => r.error).map((r) => [r.row, r.error?.code])).toEqual([
      [3, 'VALIDATION'],
      [4, 'VALIDATION'],
    ]);
    expect(report.rows.find((r) => r.row === 4)?.error?.message).toMatch(/^publishAt/);
  }, 90_000);

  it('reads the audit log as a table, JSON and NDJSON; manages keys', async () => {
    const json = await igkit(['audit', '--resource-type', 'post', '--limit', '5', '--json'], env);
    expect((JSON.parse(json.stdout) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    const ndjson = await igkit(['audit', 'export', '--action', 'post.schedule'], env);
    const lines = ndjson.stdout.trim().split('\n');
    expect(
      lines.map((l) => (JSON.parse(l) as { action: string }).action).every((a) => a === 'post.schedule'),
    ).toBe(true);
    const created = await igkit(
      ['keys', 'create', '--name', 'reader', '--scopes', 'posts:read', '--json'],
      env,
    );
    const key = JSON.parse(created.stdout) as { id: string; key: string };
    const forbidden = await igkit(['audit'], { ...env, IGKIT_API_KEY: key.key });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain('FORBIDDEN');
    expect((await igkit(['keys', 'revoke', key.id], env)).stdout.trim()).toBe(`${key.id} revoked`);
  }, 90_000);

  it('fails with one line, a hint and a distinct exit code: no key, unreachable service, usage', async () => {
    const noKey = await igkit(['posts'], { ...env, IGKIT_API_KEY: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/^igkit: UNAUTHORIZED: .*\(set IGKIT_API_KEY/);
    expect(noKey.stdout).toBe('');
    const down = await igkit(['posts', '--json'], { ...env, IGKIT_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(3);
    expect(down.stdout).toBe('');
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    const typo = await igkit(['pots'], env);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean');
    expect(typo.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);

  it('parses times and CSV', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseWhen('+10m', now)).toBe('2026-01-01T00:10:00.000Z');
    expect(parseWhen('2026-02-01T09:00:00+01:00', now)).toBe('2026-02-01T08:00:00.000Z');
    expect(() => parseWhen('tomorrow', now)).toThrow(/expected now/);
    expect(parseCsv('a,b\n"x, ""y""",z\r\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', 'z'],
    ]);
  });
});
