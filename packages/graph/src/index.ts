// Public surface of @igkit/graph. Each area keeps its own barrel; this file only re-exports them.
export * from './core/index.js';
export * from './messaging/index.js';
export * from './publishing/index.js';
export * from './webhooks/index.js';
