/**
 * The send loop shared by the service contract and `MessagingClient`, on the core retry engine: attempt, map
 * the failure (from the core error catalogue), report rate limits, ask the caller's retry policy, wait through
 * the injected `sleep` (cut short by the signal), repeat.
 */
import { runWithRetry } from '../core/retry.js';
import type { AttemptResult } from './attempt.js';
import { type MappedFailure, mapErrorAnswer, mapNetworkFailure } from './error-mapping.js';
import type { AppError } from './errors.js';
import { messagingRetryWaitMs } from './retry-timing.js';

/** A failed attempt and its mapping, as a retry policy sees it. */
export interface SendFailure {
  result: Exclude<AttemptResult, { kind: 'success' }>;
  mapped: MappedFailure;
}

/** Decides whether a failed send may be attempted again. */
export type SendRetryPolicy = (failure: SendFailure) => boolean;

/**
 * True when Meta may have received and acted on the send although no success came back: a 5xx answer (the
 * server may have stored the message before failing), a timeout, or a connection lost after sending.
 */
export function mayHaveBeenAccepted(result: AttemptResult): boolean {
  if (result.kind === 'network') return result.requestSent === 'maybe';
  return result.kind === 'error' && result.status >= 500;
}

/** The service contract's rule: rate limits, 5xx and network failures (up to the attempt budget). */
export const contractRetryPolicy: SendRetryPolicy = ({ mapped }) => mapped.retryable;

/**
 * `MessagingClient`'s rule for sends a repeat would duplicate (messages, private replies): retry only what
 * Meta provably did not accept — a rate-limit answer, a catalogue-retryable 4xx answer, a connection never
 * made. A send Meta may have accepted is never repeated; the client reports `outcome: 'unknown'` instead.
 */
export const noDuplicateRetryPolicy: SendRetryPolicy = ({ result, mapped }) => {
  if (mayHaveBeenAccepted(result)) return false;
  if (result.kind === 'network') return result.reason === 'network' || result.reason === 'timeout';
  return mapped.rateLimited || mapped.catalogueRetryable;
};

/** `MessagingClient`'s rule for idempotent sends (reactions, sender actions): anything retryable. */
export const idempotentRetryPolicy: SendRetryPolicy = ({ mapped }) =>
  mapped.retryable || mapped.catalogueRetryable;

/** Inputs of {@link runSendLoop}. */
export interface SendLoopInput {
  /** Makes one HTTP attempt. */
  attempt: () => Promise<AttemptResult>;
  /** Total attempts allowed (≥ 1). */
  maxAttempts: number;
  /** Waits between attempts (given the signal; the wait ends at once when it aborts in any case). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  correlationId?: string;
  /** Which failures may be retried. */
  retryPolicy: SendRetryPolicy;
  /** Called on every rate-limit answer with the wait that applies before the next attempt. */
  onRateLimit?: (info: { attempt: number; waitMs: number }) => void;
}

/** Result of {@link runSendLoop}. */
export type SendLoopResult =
  | { ok: true; status: number; data: unknown; attempts: number }
  | {
      ok: false;
      error: AppError;
      attempts: number;
      /** The last attempt's raw result (to tell "Meta said no" from "we don't know"). */
      last: AttemptResult;
    };

type Step = { result: Extract<AttemptResult, { kind: 'success' }> } | (SendFailure & { waitMs: number });

/**
 * Runs attempts until success, a failure the policy does not retry, `maxAttempts`, or an interrupted wait.
 * HTTP and network failures become results; only errors thrown by `attempt` itself (e.g. a limiter refusal)
 * propagate.
 */
export async function runSendLoop(input: SendLoopInput): Promise<SendLoopResult> {
  const run = await runWithRetry<Step>({
    attempt: async (n) => {
      const result = await input.attempt();
      if (result.kind === 'success') return { result };
      const waitMs = messagingRetryWaitMs(n, result.kind === 'error' ? result.serverWaitMs : undefined);
      const ctx = {
        ...(input.correlationId !== undefined ? { correlationId: input.correlationId } : {}),
        retryAfterMs: waitMs,
        attempts: n,
      };
      const mapped =
        result.kind === 'error'
          ? mapErrorAnswer(result.status, result.fields, ctx)
          : mapNetworkFailure(result, ctx);
      if (mapped.rateLimited) input.onRateLimit?.({ attempt: n, waitMs });
      return { result, mapped, waitMs };
    },
    shouldRetry: (step) => 'mapped' in step && input.retryPolicy(step),
    delayMs: (step) => ('waitMs' in step ? step.waitMs : 0),
    maxAttempts: input.maxAttempts,
    sleep: input.sleep,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const step = run.result;
  if (!('mapped' in step)) {
    return { ok: true, status: step.result.status, data: step.result.data, attempts: run.attempts };
  }
  // A budget spent, a policy refusal, or an interrupted wait: the failure being answered (or waited out).
  return { ok: false, error: step.mapped.error, attempts: run.attempts, last: step.result };
}
