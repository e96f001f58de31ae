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

/** A sleep that resolves at once and records requested delays. */
export function recordingSleep(): ((ms: number) => Promise<void>) & { calls: number[] } {
  const calls: number[] = [];
  const fn = async (ms: number): Promise<void> => {
    calls.push(ms);
  };
  return Object.assign(fn, { calls });
}

/** Meta's error envelope. */
export function graphError(code: number, subcode?: number, extra: Record<string, unknown> = {}) {
  return {
    error: {
      message: `(#${code}) synthetic error`,
      type: 'OAuthException',
      code,
      ...(subcode !== undefined ? { error_subcode: subcode } : {}),
      fbtrace_id: 'AbCdEf123',
      ...extra,
    },
  };
}

export { FakeClock, settle } from '../helpers/fake-time.js';

/** The value `fn` throws (fails the test when it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
