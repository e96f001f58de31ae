/** Insights module. Work in progress. */
import type { EmulatorModule } from '../core/types.js';

/** Creates the insights module. */
export function insightsModule(): EmulatorModule {
  return { name: 'insights', init: () => undefined, reset: () => undefined, snapshot: () => ({}) };
}
