/** Webhooks feature module (subscriptions, signed batched delivery with retries) and its public types. */

export type { DeliveryTimers } from './delivery.js';
export type { DeliveryRecord } from './delivery-log.js';
export {
  type WebhookSettings,
  type WebhooksControl,
  type WebhooksModuleOptions,
  webhooksModule,
} from './module.js';
export { serializeWebhookBody, signatureHeaders } from './sign.js';
