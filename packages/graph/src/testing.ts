/**
 * `@igkit/graph/testing`: helpers for tests of code that uses `@igkit/graph` (not for production paths).
 */
export { signWebhookBody } from './webhooks/signature.js';
