// @igkit/server: the igkit service (store, durable jobs, scheduler, audit, vault), its HTTP API and its CLI.

export { type AuditEntry, auditSink, queryAudit } from './audit/audit-log.js';
export {
  ConfigError,
  loadConfig,
  type ServiceConfig,
  type ServiceRole,
  usesEmbeddedEmulator,
} from './config/config.js';
export {
  barReporter,
  type DemoReporter,
  defaultReporter,
  lineReporter,
  silentReporter,
} from './demo/reporter.js';
export { runServiceDemo, type ServiceDemoOptions, type ServiceDemoSummary } from './demo/service-demo.js';
export { isServiceError, ServiceError, type ServiceErrorCode } from './errors.js';
export { type ApiDeps, createApi } from './http/app.js';
export { createHealth, type HealthReport } from './http/health.js';
export { createMetrics, type Metrics } from './http/metrics.js';
export { createLogger, type Logger, silentLogger } from './log/logger.js';
export { StartError } from './runtime/embedded-emulator.js';
export { type RunningIgkit, type StartOptions, startIgkit } from './runtime/start-service.js';
export { createService, type Service, type ServiceOptions } from './service.js';
export { type ApiKey, SCOPES, type Scope } from './store/api-keys.js';
