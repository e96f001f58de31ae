import type {
  MessagingAuditEvent,
  MessagingAuditSink,
  MessagingSecurityEvent,
} from '../../src/messaging/audit.js';

/** An audit sink that records every event. */
export function recordingAudit(): MessagingAuditSink & {
  audits: MessagingAuditEvent[];
  security: MessagingSecurityEvent[];
} {
  const audits: MessagingAuditEvent[] = [];
  const security: MessagingSecurityEvent[] = [];
  return {
    audits,
    security,
    logAuditEvent: (e) => {
      audits.push(e);
    },
    logSecurityEvent: (e) => {
      security.push(e);
    },
  };
}

export { FakeClock, recordingSleep, settle } from '../helpers/fake-time.js';

/** The value `fn` throws (fails the test when it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
