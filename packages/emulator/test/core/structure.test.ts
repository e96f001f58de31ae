/**
 * Issue 12 "Emulator structure": `createEmulator({ modules })` is the composition root above a core
 * that knows no feature; no import cycles; each module brings its control methods and state keys;
 * the emulator object has no public mutable fields.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEmulator, type EmulatorModule } from '../../src/index.js';

const src = fileURLToPath(new URL('../../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports (type-only included) of a file, as absolute .ts paths. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/g)].map((m) =>
    resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')),
  );
}

describe('module graph', () => {
  it('the core imports nothing outside src/core (features plug into it, not the reverse)', () => {
    const core = join(src, 'core');
    const outside = files(core).flatMap((f) =>
      imports(f)
        .filter((target) => !target.startsWith(`${core}/`))
        .map((target) => `${relative(src, f)} → ${relative(src, target)}`),
    );
    expect(outside).toEqual([]);
  });

  it('has no import cycles, type-only imports included', () => {
    const graph = new Map(files(src).map((f) => [f, imports(f)]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (f: string, stack: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(f)), f].map((x) => relative(src, x)).join(' → '));
        return;
      }
      state.set(f, 'visiting');
      for (const t of graph.get(f) ?? []) visit(t, [...stack, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });
});

describe('composition', () => {
  it('the emulator object exposes methods only, and its control object is frozen', () => {
    const { emulator, control } = createEmulator();
    expect(Object.keys(emulator)).toEqual([]);
    expect(Object.isFrozen(control)).toBe(true);
    expect(emulator.moduleNames).toEqual([
      'identity',
      'oauth',
      'publishing',
      'insights',
      'messaging',
      'webhooks',
    ]);
  });

  it('each module brings its control methods and its state keys; the core adds none of theirs', async () => {
    const bare = createEmulator({ modules: [] });
    const state = await bare.control.state();
    expect(Object.keys(state).sort()).toEqual(['accounts', 'apps', 'internalErrors', 'notEmulated', 'now']);
    expect('createUser' in bare.control).toBe(false);

    const greeter: EmulatorModule = {
      name: 'greeter',
      init: (ctx) => {
        ctx.router.get('/__emulator/greeting', () => ({ body: { hello: 'world' } }));
        return { control: { greet: async () => (await ctx.call('GET', '/__emulator/greeting')).body } };
      },
      reset: () => undefined,
      snapshot: () => ({ greetings: [] }),
    };
    const custom = createEmulator({ modules: [greeter] });
    expect(await (custom.control as unknown as { greet(): Promise<unknown> }).greet()).toEqual({
      hello: 'world',
    });
    expect((await custom.control.state())['greetings']).toEqual([]);
    const full = await createEmulator().control.state();
    for (const k of [
      'containers',
      'media',
      'messages',
      'webhookDeliveries',
      'deletedMedia',
      'duplicatePublishes',
    ])
      expect(full[k], k).toEqual([]);
  });
});
