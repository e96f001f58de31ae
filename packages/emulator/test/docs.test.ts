/** docs/emulator.md and EXTENDING.md agree with the code on the points issue 12 found wrong. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/emulator.md', import.meta.url)), 'utf8');
const extending = readFileSync(fileURLToPath(new URL('../src/core/EXTENDING.md', import.meta.url)), 'utf8');

describe('emulator docs', () => {
  it('say what waits in real time instead of "nothing waits in real time"', () => {
    expect(doc).not.toMatch(/nothing waits in real time/i);
    expect(doc).toMatch(/takes 20–40 s by default/);
    expect(doc).toContain('videoProcessingMs: 0');
    for (const thing of ['latencyMs', 'handshakeTimeoutMs', 'webhook retries']) expect(doc).toContain(thing);
  });

  it('EXTENDING.md lists the core state keys the code has, and no others as core defaults', async () => {
    const core = Object.keys(await createEmulator({ modules: [] }).control.state()).sort();
    expect(core).toEqual(['accounts', 'apps', 'internalErrors', 'notEmulated', 'now']);
    const line = /The core's snapshot has only ([^;]+);/.exec(extending.replace(/\s+/g, ' '))?.[1] ?? '';
    expect([...line.matchAll(/`(\w+)`/g)].map((m) => m[1]).sort()).toEqual(core);
    expect(extending).not.toContain('default to `[]` in the core');
  });
});
