/**
 * The package shape promised by issue 4: no runtime dependencies beyond Node's standard library,
 * and an `igkit-emulator` bin (`npx igkit-emulator`) that runs from the built output alone.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('zero runtime dependencies', () => {
  it('declares no dependencies and imports only node: built-ins and its own files', () => {
    for (const key of ['dependencies', 'peerDependencies', 'optionalDependencies'])
      expect(pkg[key], key).toBeUndefined();
    const files = sources(join(root, 'src'));
    expect(files.length).toBeGreaterThan(30);
    const specifiers = files.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/g)].map(
        (m) => `${m[1]}`,
      ),
    );
    expect(specifiers.length).toBeGreaterThan(100);
    const foreign = specifiers.filter(
      (s) => !s.startsWith('node:') && !s.startsWith('./') && !s.startsWith('../'),
    );
    expect(foreign).toEqual([]);
  });
});

describe('igkit-emulator bin', () => {
  const out = mkdtempSync(join(tmpdir(), 'igkit-emulator-build-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
    rmSync(out, { recursive: true, force: true });
  });

  it('maps to the built CLI, which starts with a node shebang and serves the Graph API', async () => {
    // The bin is a small shim: the built dist/cli.js when present, the TypeScript sources inside the repository.
    expect((pkg['bin'] as Record<string, string>)['igkit-emulator']).toBe('./bin/igkit-emulator.js');
    expect(readFileSync(join(root, 'bin/igkit-emulator.js'), 'utf8')).toContain(
      "new URL('../dist/cli.js', import.meta.url)",
    );
    const bin = './dist/cli.js';
    expect(readFileSync(join(root, 'src/cli.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    // Build the package as it is published (tsconfig.build.json: src → dist) into a temp dir.
    const tsc = join(root, '../../node_modules/typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out]);
    const cli = join(out, bin.replace('./dist/', ''));
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    // Plain node, outside the repo: no tsx, no source condition, no node_modules.
    child = spawn(process.execPath, [cli, '--port', '0', '--account'], {
      cwd: tmpdir(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = await new Promise<string[]>((resolve, reject) => {
      let text = '';
      child!.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        const l = text.split('\n').filter((x) => x !== '');
        if (l.length >= 2) resolve(l);
      });
      child!.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(lines[0]!)?.[1];
    const acct = JSON.parse(lines[1]!) as { igUserId: string; accessToken: string };
    const r = await fetch(`${url}/v26.0/${acct.igUserId}?fields=id`, {
      headers: { authorization: `Bearer ${acct.accessToken}` },
    });
    expect(await r.json()).toEqual({ id: acct.igUserId });
  });
});
