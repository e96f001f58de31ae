/**
 * Memory boundedness without timing: drive many requests in-process through `handle()` while the
 * emulated clock moves, then check that every internal collection stays within its bound.
 * (Heap measurement over 100k requests lives in bench/emulator-memory.ts.)
 */
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/index.js';

describe('bounded state', () => {
  it('usage windows, containers and faults stay bounded over 20k requests', async () => {
    const { emulator, control } = createEmulator({ seed: 2 });
    await control.freezeClock(true);
    const a = await control.createAccount();
    await control.settings(a.igUserId, { bucCallBudget: 1e9, appCallBudget: 1e9 });
    const headers = { authorization: `Bearer ${a.accessToken}`, 'content-type': 'application/json' };
    await control.setFault({ path: '/nothing', times: 5, status: 500 });
    let created = 0;
    for (let i = 0; i < 20_000; i++) {
      if (i % 10 === 0) {
        const r = await emulator.handle({
          method: 'POST',
          url: `/v26.0/${a.igUserId}/media`,
          headers,
          body: JSON.stringify({ image_url: 'https://x.example/a.jpg' }),
        });
        if (r.status === 200) created++;
        await control.advanceClock(30 * 60_000); // 48 containers per emulated day
      } else {
        await emulator.handle({ method: 'GET', url: `/v26.0/${a.igUserId}?fields=id`, headers });
      }
    }
    expect(created).toBe(2000);
    const usage = emulator.usage.size();
    expect(usage.keys).toBe(2);
    expect(usage.buckets).toBeLessThanOrEqual(2 * 101);
    const state = await control.state();
    // 2000 containers over ~41 emulated days; only the last 7 days (≈ 336) are kept.
    expect(state.containers.length).toBeLessThanOrEqual(7 * 48 + 1);
    expect(state.containers.length).toBeGreaterThan(300);
    expect(emulator.faults.list()).toHaveLength(1);
  });

  it('reset empties every store', async () => {
    const { emulator, control } = createEmulator({ seed: 2 });
    const a = await control.createAccount();
    await emulator.handle({
      method: 'POST',
      url: `/v26.0/${a.igUserId}/media`,
      headers: { authorization: `Bearer ${a.accessToken}` },
    });
    await control.reset();
    expect(emulator.usage.size()).toEqual({ keys: 0, buckets: 0 });
    expect(emulator.accounts.tokens.size).toBe(0);
    expect(emulator.accounts.apps.size).toBe(0);
  });
});
