/** The optional `close()` hook of the module contract (src/core/EXTENDING.md). */
import { describe, expect, it } from 'vitest';
import { createEmulator, type EmulatorModule, startEmulator } from '../../src/index.js';

function probe(name: string, calls: string[], fail = false): EmulatorModule {
  return {
    name,
    init: () => undefined,
    reset: () => undefined,
    snapshot: () => ({}),
    close: async () => {
      calls.push(name);
      if (fail) throw new Error(`${name} failed to close`);
    },
  };
}

describe('EmulatorModule.close', () => {
  it('is called once per module, in reverse load order, by Emulator.close (idempotent)', async () => {
    const calls: string[] = [];
    const plain: EmulatorModule = {
      name: 'plain',
      init: () => undefined,
      reset: () => undefined,
      snapshot: () => ({}),
    };
    const { emulator } = createEmulator({ modules: [probe('a', calls), plain, probe('b', calls)] });
    await emulator.close();
    await emulator.close();
    expect(calls).toEqual(['b', 'a']);
  });

  it('closes every module even when one fails, then reports the failure', async () => {
    const calls: string[] = [];
    const { emulator } = createEmulator({ modules: [probe('a', calls), probe('b', calls, true)] });
    await expect(emulator.close()).rejects.toThrow('b failed to close');
    expect(calls).toEqual(['b', 'a']);
  });

  it('runs before the socket closes when the running emulator closes', async () => {
    const calls: string[] = [];
    const emu = await startEmulator({ modules: [probe('a', calls)] });
    await emu.close();
    expect(calls).toEqual(['a']);
    await expect(fetch(`${emu.url}/__emulator/state`)).rejects.toThrow();
  });
});
