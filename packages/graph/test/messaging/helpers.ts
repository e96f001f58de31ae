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

/** A manual clock whose `sleep` resolves only when `advance`/`runUntilIdle` moves time past it. */
export class FakeClock {
  t: number;
  #timers: { at: number; resolve: () => void }[] = [];

  constructor(start = 1_000_000) {
    this.t = start;
  }

  now = (): number => this.t;

  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.#timers.push({ at: this.t + Math.max(0, ms), resolve });
    });

  /** Pending timers. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promise chains settle between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.#timers.sort((a, b) => a.at - b.at);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.t = Math.max(this.t, next.at);
      const due = this.#timers.filter((x) => x.at <= this.t);
      this.#timers = this.#timers.filter((x) => x.at > this.t);
      for (const d of due) d.resolve();
    }
    this.t = end;
    await settle();
  }

  /** Fires timers until none are left (bounded), returning the time reached. */
  async runUntilIdle(maxSteps = 100_000): Promise<number> {
    for (let i = 0; i < maxSteps; i++) {
      await settle();
      this.#timers.sort((a, b) => a.at - b.at);
      const next = this.#timers[0];
      if (!next) return this.t;
      await this.advance(next.at - this.t);
    }
    throw new Error('FakeClock: still busy');
  }
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setImmediate(r));
}

/** The value `fn` throws (fails the test when it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
