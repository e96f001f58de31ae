/**
 * @igkit/emulator — a faithful local Instagram Graph API for tests and local development.
 * Zero runtime dependencies. See docs/emulator.md.
 */
export type {
  AccountRecord,
  AccountSettings,
  AppRecord,
  CreateAccountInput,
  CreatedAccount,
  LoginType,
  TokenRecord,
} from './core/accounts.js';
export { appSecretProof } from './core/auth.js';
export { EmulatedClock, type EmulatorClock } from './core/clock.js';
export {
  type EmulatorControl,
  EmulatorControlError,
  type EmulatorState,
  type SettingsPatch,
} from './core/control.js';
export { DEFAULT_VERSION, Emulator, type EmulatorOptions } from './core/emulator.js';
export type { EmulatorEvent } from './core/events.js';
export type { FaultSpec } from './core/faults.js';
export {
  createEmulator,
  type RunningEmulator,
  type StartEmulatorOptions,
  startEmulator,
} from './core/server.js';
export type { EmulatorModule, EmulatorRequest, EmulatorResponse } from './core/types.js';
// Module factories, for `startEmulator({ modules })` with non-default options (capacities, retry delays).
export { type MessagingModuleOptions, messagingModule } from './messaging/index.js';
// Module control interfaces: re-exported so their `EmulatorControl` augmentations reach the built .d.ts.
export type { MessagingControl, UserAttachmentInput } from './messaging/module.js';
export { createModules } from './modules.js';
export { type WebhooksModuleOptions, webhooksModule } from './webhooks/index.js';
export type { WebhookSettings, WebhooksControl } from './webhooks/module.js';
