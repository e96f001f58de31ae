/**
 * Audit and security events of the messaging service. Events carry identifiers, sizes, codes and counts —
 * never message text, never tokens. The default sink writes one JSON line per event to stderr.
 */

/** One audit record per send outcome. */
export interface MessagingAuditEvent {
  correlationId: string;
  resourceType: 'instagram_message';
  action: 'send_message';
  status: 'success' | 'failure';
  metadata: {
    recipient_id: string;
    /** Length of the message text in UTF-8 bytes (never the text). */
    message_length: number;
    /** Status the call resolved with: 200 on success, the error's `statusCode` on failure. */
    status: number;
    message_id?: string;
    /** The error's `code` (e.g. `RATE_LIMITED`, `MESSAGING_WINDOW_CLOSED`). */
    error_code?: string;
    /** HTTP attempts made (0 when the input was refused before calling Meta). */
    attempts: number;
  };
  /** Sanitised error message (composed by igkit from codes; contains no content or secrets). */
  errorMessage?: string;
}

/** Emitted on every rate-limit answer from Meta. */
export interface MessagingSecurityEvent {
  correlationId: string;
  event: 'rate_limit';
  resourceType: 'instagram_message';
  metadata: {
    recipient_id: string;
    /** The wait applied (or, after the last attempt, suggested) before the next attempt. */
    retry_after_ms: number;
    /** 1-based attempt number that was rate limited. */
    attempt: number;
  };
}

/** Where audit and security events go. Sinks must not throw; if they do, igkit swallows it. */
export interface MessagingAuditSink {
  logAuditEvent(event: MessagingAuditEvent): void | Promise<void>;
  logSecurityEvent(event: MessagingSecurityEvent): void | Promise<void>;
}

type LineWriter = (line: string) => void;

const stderrWriter: LineWriter = (line) => {
  process.stderr.write(line);
};

/**
 * The default sink: one JSON object per line on stderr,
 * `{"type":"audit"|"security","timestamp":"<ISO>",...event}`.
 */
export function createStderrAuditSink(write: LineWriter = stderrWriter): MessagingAuditSink {
  const emit = (type: 'audit' | 'security', event: object): void => {
    write(`${JSON.stringify({ type, timestamp: new Date().toISOString(), ...event })}\n`);
  };
  return {
    logAuditEvent: (event) => emit('audit', event),
    logSecurityEvent: (event) => emit('security', event),
  };
}

/** Calls a sink method; a throwing or rejecting sink never breaks (or changes the outcome of) a send. */
export function safeEmit<E>(fn: (event: E) => void | Promise<void>, event: E): void {
  try {
    const result = fn(event);
    if (result && typeof (result as Promise<void>).catch === 'function') {
      (result as Promise<void>).catch(() => reportSinkFailure());
    }
  } catch {
    reportSinkFailure();
  }
}

function reportSinkFailure(): void {
  try {
    process.stderr.write(
      `${JSON.stringify({ type: 'audit_sink_error', timestamp: new Date().toISOString() })}\n`,
    );
  } catch {
    // Nothing left to report to.
  }
}
