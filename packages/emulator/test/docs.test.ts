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

  it('cite a Meta page for each issue-13 behaviour and no longer list them as not modelled', () => {
    for (const page of [
      'docs/graph-api/batch-requests',
      'docs/graph-api/guides/field-expansion',
      'docs/graph-api/changelog/versions/',
      'ig-media/comments',
      'ig-comment/replies',
      'conversations-api',
      'ig-user/insights',
    ])
      expect(doc, page).toContain(page);
    const kept: string[] = [];
    let inside = false;
    for (const line of doc.split('\n')) {
      if (line.startsWith('#')) inside = /^#+ Not modelled/.test(line);
      else if (inside) kept.push(line);
    }
    const notModelled = kept.join('\n');
    expect(notModelled).toContain('Downloading media for real');
    for (const gone of [
      'Batch requests',
      'ids=',
      'expired Graph version',
      'Conversations API',
      'account insights',
      '/comments`. Comments exist only',
    ])
      expect(notModelled, gone).not.toContain(gone);
  });
});
