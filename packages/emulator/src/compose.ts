/**
 * The composition root: the core plus the feature modules. The core knows no feature; this file
 * is where they meet (`createEmulator({ modules })`, `startEmulator()`).
 */
import type { EmulatorClock } from './core/clock.js';
import type { EmulatorControl } from './core/control.js';
import { Emulator, type EmulatorOptions } from './core/emulator.js';
import { type ListenOptions, listen, type RunningEmulator } from './core/server.js';
import type { EmulatorModule } from './core/types.js';
import { createModules } from './modules.js';

/** Options of `createEmulator`. */
export interface CreateEmulatorOptions extends Omit<EmulatorOptions, 'modules'> {
  /** Base time source (default `Date.now`). */
  clock?: EmulatorClock;
  /** Seed for ids, tokens and insight values (default 1). */
  seed?: number;
  /** The feature modules (default: `createModules()`, every module). */
  modules?: EmulatorModule[];
}

/** Options of `startEmulator`. */
export interface StartEmulatorOptions extends CreateEmulatorOptions, ListenOptions {
  /**
   * `close()` rejects when the emulator recorded an internal error (a bug of its own) while it ran.
   * @default true
   */
  failOnInternalErrors?: boolean;
}

/** Builds an in-process emulator with the core control plane and the given (or every) module. */
export function createEmulator(options: CreateEmulatorOptions = {}): {
  emulator: Emulator;
  control: EmulatorControl;
} {
  const { modules, ...rest } = options;
  const emulator = new Emulator({ ...rest, modules: modules ?? createModules() });
  return { emulator, control: emulator.control };
}

/**
 * Starts the emulator on a socket.
 * @example
 * const emu = await startEmulator();
 * const acct = await emu.control.createAccount();
 * await fetch(`${emu.url}/v26.0/${acct.igUserId}?fields=id,username`, { headers: { authorization: `Bearer ${acct.accessToken}` } });
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { port, host, maxBodyBytes, maxBodyBytesInFlight, failOnInternalErrors, ...create } = options;
  const { emulator } = createEmulator(create);
  return listen(emulator, {
    ...(port === undefined ? {} : { port }),
    ...(host === undefined ? {} : { host }),
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    ...(maxBodyBytesInFlight === undefined ? {} : { maxBodyBytesInFlight }),
    ...(failOnInternalErrors === undefined ? {} : { failOnInternalErrors }),
  });
}

export type { RunningEmulator };
