/**
 * The migrations, in order. Forward-only: a released migration is never edited; a change is a new entry.
 * Each runs in its own transaction and is recorded in `schema_migrations`.
 */
import { sql as core } from './001-core.js';
import { sql as messaging } from './002-messaging.js';
import { sql as apiKeys } from './003-api-keys.js';
import { sql as dashboard } from './004-dashboard.js';
import { sql as sendRatePrecision } from './005-send-rate-precision.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'core', sql: core },
  { version: 2, name: 'messaging', sql: messaging },
  { version: 3, name: 'api-keys', sql: apiKeys },
  { version: 4, name: 'dashboard', sql: dashboard },
  { version: 5, name: 'send-rate-precision', sql: sendRatePrecision },
];
