/**
 * Embedded mode: with no Meta credentials configured, the service runs against a local emulator started in
 * this process, seeded (deterministically, so the same ids and tokens come back on every start) with an app,
 * an Instagram Login account and a user who can send DMs. `@igkit/emulator` is loaded only here, by dynamic
 * import, so a production install without it never loads it.
 */
import type { CreatedAccount, RunningEmulator } from '@igkit/emulator';

export interface EmbeddedEmulator {
  url: string;
  emulator: RunningEmulator;
  account: CreatedAccount;
  user: { igsid: string; username: string };
  /** Serves media URLs by the emulator's convention (the media preflight reads these instead of the internet). */
  mediaFetch: typeof fetch;
  close(): Promise<void>;
}

/** Thrown when a start cannot proceed; the CLI prints the message as its one line. */
export class StartError extends Error {
  override readonly name = 'StartError' as const;
}

const SEED = 7;

export async function startEmbeddedEmulator(opts: { host: string; port: number }): Promise<EmbeddedEmulator> {
  let mod: typeof import('@igkit/emulator');
  try {
    mod = await import('@igkit/emulator');
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND')
      throw new StartError(
        'no Meta credentials are configured and @igkit/emulator is not installed: install it for local use ' +
          '(npm install @igkit/emulator) or set INSTAGRAM_ACCESS_TOKEN, INSTAGRAM_ACCOUNT_ID, META_APP_SECRET and META_VERIFY_TOKEN',
      );
    throw e;
  }
  let emulator: RunningEmulator;
  try {
    emulator = await mod.startEmulator({ host: opts.host, port: opts.port, seed: SEED });
  } catch (e) {
    throw new StartError(
      `the embedded emulator cannot listen on ${opts.host}:${opts.port} (${(e as Error).message}); set IGKIT_EMULATOR_PORT to a free port`,
    );
  }
  const account = await emulator.control.createAccount({ username: 'demo_bakery', loginType: 'instagram' });
  // Short video processing so the demo's reel is ready in seconds.
  await emulator.control.settings(account.igUserId, { videoProcessingMs: 3000 });
  const user = await emulator.control.createUser({ username: 'hungry_customer' });
  return {
    url: emulator.url,
    emulator,
    account,
    user,
    mediaFetch: mod.emulatedMediaFetch(),
    close: () => emulator.close(),
  };
}
