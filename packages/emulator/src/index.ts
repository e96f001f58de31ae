/**
 * @igkit/emulator — a faithful local Instagram Graph API for tests and local development.
 * Zero runtime dependencies. See docs/emulator.md.
 */

// Composition root: build or start an emulator.
export {
  type CreateEmulatorOptions,
  createEmulator,
  type StartEmulatorOptions,
  startEmulator,
} from './compose.js';
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
  type CoreControl,
  type EmulatorControl,
  EmulatorControlError,
  type EmulatorState,
  type SettingsPatch,
} from './core/control.js';
export { CONTROL_TOKEN_HEADER, type ControlAccessOptions } from './core/control-access.js';
export {
  EmulatorInternalErrors,
  type InternalErrorRecord,
  type NotEmulatedRecord,
} from './core/diagnostics.js';
export { DEFAULT_VERSION, Emulator, type EmulatorOptions, type EmulatorStats } from './core/emulator.js';
export type { EmulatorEvent } from './core/events.js';
export type { FaultSpec } from './core/faults.js';
export { type BodyLimits, type ListenOptions, nodeHandler, type RunningEmulator } from './core/server.js';
export type {
  EmulatorContext,
  EmulatorModule,
  EmulatorRequest,
  EmulatorResponse,
  ModuleSetup,
} from './core/types.js';
// Module factories, for `startEmulator({ modules })` with non-default options (capacities, retry delays).
export { type MessagingModuleOptions, messagingModule } from './messaging/index.js';
// Module control interfaces: re-exported so their `EmulatorControl` augmentations reach the built .d.ts.
export type { MessagingControl, MessagingState, UserAttachmentInput } from './messaging/module.js';
export { createModules } from './modules.js';
export type { PublishingState } from './publishing/index.js';
// The media-URL convention as files, for a media preflight that must not touch the network.
export { emulatedMediaFetch, mediaKindOfUrl } from './publishing/media-files.js';
export { type DeliveryTimers, type WebhooksModuleOptions, webhooksModule } from './webhooks/index.js';
export type { WebhookSettings, WebhooksControl, WebhooksState } from './webhooks/module.js';
