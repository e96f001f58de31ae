/** Starts an emulator account and a connector whose sleeps advance the emulator clock (no real waiting). */
import { type RunningEmulator, startEmulator } from '../../../../emulator/src/index.js'; // vitest lacks ssr 'source' condition; see core tests
import { InstagramConnector } from '../../../src/publishing/connector.js';
import type { InstagramConfig } from '../../../src/publishing/types.js';
import { coupledTime, EMULATOR_EPOCH } from '../../helpers/emulator-time.js';

export interface EmulatedAccount {
  igUserId: string;
  accessToken: string;
}

export async function emulatorWithAccount(
  seed = 7,
): Promise<{ emu: RunningEmulator; account: EmulatedAccount }> {
  // The emulator's base clock stands still: emulated time moves only when a test's sleep advances it, so
  // what the client sees does not depend on how long the machine takes (no wall clock).
  const emu = await startEmulator({ seed, clock: { now: () => EMULATOR_EPOCH } });
  const a = await emu.control.createAccount({ username: 'brand' });
  return { emu, account: { igUserId: a.igUserId, accessToken: a.accessToken } };
}

/** Connector config against the emulator on the default (current) API version. */
export function emulatorConfig(
  emu: RunningEmulator,
  account: EmulatedAccount,
  time = coupledTime(emu),
): InstagramConfig {
  return {
    accessToken: account.accessToken,
    instagramAccountId: account.igUserId,
    host: emu.url,
    clock: time.clock,
    sleep: time.sleep,
  };
}

export function emulatorConnector(emu: RunningEmulator, account: EmulatedAccount, time = coupledTime(emu)) {
  return new InstagramConnector(emulatorConfig(emu, account, time));
}

interface StateMedia {
  id: string;
  igUserId: string;
  containerId: string;
  mediaProductType: string;
  mediaType: string;
  isCarouselChild: boolean;
  caption?: string;
}

/** Top-level media published on the account (ground truth). */
export async function publishedMedia(emu: RunningEmulator, igUserId: string): Promise<StateMedia[]> {
  const state = await emu.control.state();
  return (state.media as StateMedia[]).filter((m) => m.igUserId === igUserId && !m.isCarouselChild);
}
