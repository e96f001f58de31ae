/**
 * Time shared by a test and @igkit/emulator, on the package's one fake clock: the emulator's base clock
 * stands still (start it with `clock: { now: () => EMULATOR_EPOCH }`), so emulated time moves only when the
 * test's sleep (or `advance`) moves it — what the client sees never depends on how fast the machine is.
 */
import type { RunningEmulator } from '@igkit/emulator';
import { fakeTime } from './fake-time.js';

/** A fixed emulator base time: 2026-11-23 12:00 UTC. */
export const EMULATOR_EPOCH = Date.UTC(2026, 10, 23, 12, 0, 0);

/** A fake clock whose sleeps (recorded in `sleeps`) move the emulator clock by the same amount. */
export function coupledTime(emu: RunningEmulator, start?: number) {
  const t = fakeTime(start);
  return {
    clock: t.clock,
    sleeps: t.sleeps,
    sleep: async (ms: number) => {
      await t.sleep(ms);
      if (ms > 0) await emu.control.advanceClock(ms);
    },
    /** Moves both clocks without recording a sleep (time passing between a test's steps). */
    advance: async (ms: number) => {
      t.advance(ms);
      await emu.control.advanceClock(ms);
    },
    /** Fake ms since the epoch. */
    get now() {
      return t.now;
    },
  };
}

/** {@link coupledTime} starting at the emulator's current time. */
export async function syncedTime(emu: RunningEmulator) {
  const { now } = await emu.control.freezeClock(false);
  return coupledTime(emu, now);
}
