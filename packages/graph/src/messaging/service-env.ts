/**
 * The module-level `sendInstagramMessage`: the service contract with a service built lazily from the
 * environment (and rebuilt when the environment changes).
 */
import { createStderrAuditSink } from './audit.js';
import { auditCall, callSubject } from './call-audit.js';
import { ConfigurationError } from './errors.js';
import { createInstagramService, type InstagramService } from './service.js';
import type { InstagramSendMessageResponse } from './types.js';

let envService: { key: string; service: InstagramService } | undefined;

/**
 * Sends a message with a service built lazily from the environment: `INSTAGRAM_ACCESS_TOKEN` (required),
 * `INSTAGRAM_PAGE_ID`, `INSTAGRAM_API_VERSION`, `INSTAGRAM_BASE_URL` (optional). The service is rebuilt when
 * those variables change. A missing token rejects with `ConfigurationError` (and is audited on stderr).
 */
export async function sendInstagramMessage(
  recipientId: string,
  message: string,
  correlationId: string,
): Promise<InstagramSendMessageResponse> {
  const env = process.env;
  const key = JSON.stringify([
    env['INSTAGRAM_ACCESS_TOKEN'],
    env['INSTAGRAM_PAGE_ID'],
    env['INSTAGRAM_API_VERSION'],
    env['INSTAGRAM_BASE_URL'],
  ]);
  if (envService?.key !== key) {
    let service: InstagramService;
    try {
      service = createInstagramService({
        ...(env['INSTAGRAM_API_VERSION'] ? { apiVersion: env['INSTAGRAM_API_VERSION'] } : {}),
        ...(env['INSTAGRAM_BASE_URL'] ? { baseUrl: env['INSTAGRAM_BASE_URL'] } : {}),
      });
    } catch (error) {
      envService = undefined;
      const subject = callSubject(recipientId, message, correlationId);
      const cause = error as ConfigurationError;
      const configError = new ConfigurationError(cause.message, {
        code: cause.code,
        correlationId: subject.correlationId,
      });
      auditCall(createStderrAuditSink(), subject, {
        error: configError,
        attempts: 0,
        secrets: [env['INSTAGRAM_ACCESS_TOKEN'], typeof message === 'string' ? message : undefined],
      });
      throw configError;
    }
    envService = { key, service };
  }
  return envService.service.sendInstagramMessage(recipientId, message, correlationId);
}
