import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

function run(args: string[]): Promise<string[]> {
  child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const want = args.includes('--account') ? 2 : 1;
    child!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n').filter((l) => l !== '');
      if (lines.length >= want) resolve(lines);
    });
    child!.on('exit', (code) => reject(new Error(`exited ${code}`)));
  });
}

describe('igkit-emulator CLI', () => {
  it('requires the control token given with --control-token on control requests', async () => {
    const [line] = await run(['--port', '0', '--control-token', 'cli-secret']);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line!)?.[1];
    expect((await fetch(`${url}/__emulator/state`)).status).toBe(401);
    const ok = await fetch(`${url}/__emulator/state`, { headers: { 'x-igkit-control-token': 'cli-secret' } });
    expect(ok.status).toBe(200);
  });

  it('serves on the given port with the given seed and can create an account', async () => {
    const [line, json] = await run(['--port', '0', '--seed', '9', '--account']);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line!)?.[1];
    expect(url).toBeDefined();
    const acct = JSON.parse(json!) as { igUserId: string; accessToken: string };
    const r = await fetch(`${url}/v26.0/${acct.igUserId}?fields=id`, {
      headers: { authorization: `Bearer ${acct.accessToken}` },
    });
    expect(await r.json()).toEqual({ id: acct.igUserId });
    const { control } = createEmulator({ seed: 9 });
    expect(acct.igUserId).toBe((await control.createAccount()).igUserId);
    expect(
      ((await (await fetch(`${url}/__emulator/state`)).json()) as { accounts: unknown[] }).accounts,
    ).toHaveLength(1);
  });

  it('rejects a bad port with exit code 2', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', cli, '--port', 'abc'], {
      stdio: 'ignore',
    });
    const code = await new Promise<number | null>((r) => child!.on('exit', r));
    expect(code).toBe(2);
  });
});
