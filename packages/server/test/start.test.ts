/**
 * The real service in child processes, started exactly as `npm start` starts it (`bin/igkit.js start`): a fresh
 * data dir, /healthz, the first-start demo seen through /metrics and the API, SIGTERM → clean exit 0, and a
 * second start that keeps everything (no new key, no second demo). On PostgreSQL: an `api` and a `worker`
 * process sharing one database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/child.js';
import { TEST_KEY } from './helpers/harness.js';

const BIN = join(REPO_ROOT, 'packages/server/bin/igkit.js');
const children: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string>): Started {
  const child = spawn(process.execPath, [BIN, 'start', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, IGKIT_PORT: '0', IGKIT_EMULATOR_PORT: '0', IGKIT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls `check` until it returns a value (real time: this is a child process). */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve(check()).catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const field = (out: string, label: string) => new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(out)?.[1];

async function metric(apiUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const m = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('igkit start (as npm start runs it)', () => {
  it('serves, runs the first-start demo through the scheduler, stops cleanly on SIGTERM, and keeps its data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'igkit-start-'));
    try {
      const first = start([], { IGKIT_DATA_DIR: dataDir, DATABASE_URL: '' });
      const apiUrl = await until('the start block', () => field(first.stdout(), 'API'));
      const key = field(first.stdout(), 'API key') as string;
      expect(key).toMatch(/^igk_/);
      expect(first.stdout()).toContain('against the local emulator');
      expect(field(first.stdout(), 'emulator')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(field(first.stdout(), 'data')).toBe(dataDir);

      const health = await until('healthz', async () => {
        const r = await fetch(`${apiUrl}/healthz`);
        return r.status === 200 ? ((await r.json()) as { status: string }) : undefined;
      });
      expect(health.status).toBe('ok');
      await until('the demo posts published', async () => {
        const n = await metric(apiUrl, 'igkit_posts_published_total');
        return n !== undefined && n >= 2 ? n : undefined;
      });
      expect(await metric(apiUrl, 'igkit_posts_failed_total')).toBe(0);
      const posts = (await (
        await fetch(`${apiUrl}/v1/posts`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as { data: Array<{ kind: string; state: string }> };
      expect(posts.data.map((p) => [p.kind, p.state]).sort()).toEqual([
        ['carousel', 'published'],
        ['reel', 'published'],
      ]);
      await until('the demo summary', () => (first.stdout().includes('Try next:') ? true : undefined));
      expect(first.stdout()).toMatch(/2 posts published, 1 message\(s\) answered, \d+ audit rows written/);
      expect(await metric(apiUrl, 'igkit_messages_sent_total')).toBeGreaterThanOrEqual(1);
      expect(await metric(apiUrl, 'igkit_messages_failed_total')).toBe(0);

      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(existsSync(join(dataDir, 'igkit.lock'))).toBe(false);

      // Second start on the same data: the key still works, no new key is shown, no second demo.
      const second = start([], { IGKIT_DATA_DIR: dataDir, DATABASE_URL: '' });
      const apiUrl2 = await until('the second start block', () => field(second.stdout(), 'API'));
      const again = (await (
        await fetch(`${apiUrl2}/v1/posts?state=published`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as { data: unknown[] };
      expect(again.data).toHaveLength(2);
      expect(second.stdout()).not.toContain('API key');
      expect(second.stdout()).not.toContain('Running the demo');
      second.child.kill('SIGINT');
      expect(await second.exited).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('igkit demo --exit --json prints only the summary JSON on stdout and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'igkit-demo-'));
    try {
      const child = spawn(process.execPath, [BIN, 'demo', '--exit', '--json'], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          DATABASE_URL: '',
          IGKIT_DATA_DIR: dataDir,
          IGKIT_PORT: '0',
          IGKIT_EMULATOR_PORT: '0',
          IGKIT_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.resume();
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      const summary = JSON.parse(out) as { ok: boolean; postsPublished: number; messagesAnswered: number };
      expect(summary).toMatchObject({ ok: true, postsPublished: 2, messagesAnswered: 1 });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it.runIf(process.env['DATABASE_URL'])(
    'on PostgreSQL, an api process and a worker process share the database: the demo completes, both stop cleanly',
    async () => {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const dataDir = mkdtempSync(join(tmpdir(), 'igkit-roles-'));
      const env = {
        DATABASE_URL: process.env['DATABASE_URL'] as string,
        IGKIT_DB_SCHEMA: schema,
        IGKIT_SECRET_KEY: TEST_KEY,
        IGKIT_DATA_DIR: dataDir,
      };
      try {
        const api = start(['--role', 'api'], env);
        const apiUrl = await until('the api start block', () => field(api.stdout(), 'API'));
        const emulatorUrl = field(api.stdout(), 'emulator') as string;
        expect(api.stdout()).toContain('role api');
        const worker = start(['--role', 'worker'], { ...env, IGKIT_GRAPH_URL: emulatorUrl });
        await until('the worker start block', () =>
          worker.stdout().includes('role worker') ? true : undefined,
        );
        expect(worker.stdout()).not.toContain('API ');

        await until('the demo posts published by the worker', async () => {
          const n = await metric(apiUrl, 'igkit_posts_published_total');
          return n !== undefined && n >= 2 ? n : undefined;
        });
        worker.child.kill('SIGTERM');
        api.child.kill('SIGTERM');
        expect(await worker.exited).toBe(0);
        expect(await api.exited).toBe(0);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
        const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`);
        await client.end();
      }
    },
    180_000,
  );
});
