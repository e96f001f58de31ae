/** Publishing module (containers, media_publish, media reads, rupload). Work in progress. */
import type { EmulatorModule } from '../core/types.js';

/** Creates the publishing module. */
export function publishingModule(): EmulatorModule {
  return { name: 'publishing', init: () => undefined, reset: () => undefined, snapshot: () => ({}) };
}
