// @igkit/server: the igkit service and CLI. Today it ships the end-to-end demo and its webhook receiver.

export {
  barReporter,
  type DemoReporter,
  defaultReporter,
  lineReporter,
  silentReporter,
} from './demo/reporter.js';
export { type DemoOptions, type DemoSummary, runDemo } from './demo/run-demo.js';
export { startWebhookReceiver, type WebhookReceiver } from './demo/webhook-receiver.js';
