/**
 * The feature modules loaded by `startEmulator()`, in order. Each entry is a factory so every
 * emulator instance gets fresh state. See core/EXTENDING.md.
 */
import type { EmulatorModule } from './core/types.js';
import { identityModule } from './identity/index.js';
import { insightsModule } from './insights/index.js';
import { messagingModule } from './messaging/index.js';
import { oauthModule } from './oauth/index.js';
import { publishingModule } from './publishing/index.js';
import { webhooksModule } from './webhooks/index.js';

/** Creates the default module list. */
export function createModules(): EmulatorModule[] {
  return [
    identityModule(),
    oauthModule(),
    publishingModule(),
    insightsModule(),
    messagingModule(),
    webhooksModule(),
  ];
}
