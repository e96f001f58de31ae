import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/index.js';

// The emulator's clock runs on a base time source (real time by default). Here the base is a
// hand-moved clock standing in for wall time, so "real time passing" is deterministic: the send
// rate must follow it without any advanceClock call.
let wall = 1_763_900_000_000;
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ seed: 3, clock: { now: () => wall } });
});
afterAll(() => emu.close());

describe('send rate on real elapsed time', () => {
  it('refuses the 101st text send within a second of wall time and accepts again once it has passed', async () => {
    const acct = await emu.control.createAccount({ loginType: 'instagram' });
    const { igsid } = await emu.control.createUser();
    await emu.control.userMessage(igsid, { igUserId: acct.igUserId, text: 'hi' });
    const send = async () => {
      const res = await fetch(`${emu.url}/v26.0/me/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${acct.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ recipient: { id: igsid }, message: { text: 'ping' } }),
      });
      const body = (await res.json()) as { error?: { code: number } };
      return body.error?.code ?? res.status;
    };
    for (let i = 0; i < 100; i++) {
      expect(await send()).toBe(200);
      wall += 4; // 100 sends over 400 ms of wall time
    }
    expect(await send()).toBe(613);
    wall += 600; // the first sends leave the window with wall time alone
    expect(await send()).toBe(200);
    const state = await emu.control.state();
    expect(state.messages.filter((m) => (m as { direction: string }).direction === 'outbound')).toHaveLength(
      101,
    );
  });
});
