/**
 * The retry loop shared by the service contract and `MessagingClient`: attempt, map the failure, report rate
 * limits, decide whether the failure may be retried, wait through the injected `sleep`, repeat.
 */

import type { AttemptResult } from './attempt.js';
import { type MappedFailure, mapErrorAnswer, mapNetworkFailure } from './error-mapping.js';
import type { AppError } from './errors.js';
import { retryWaitMs } from './retry-timing.js';

/** Inputs of {@link runSendLoop}. */
export interface SendLoopInput {
  /** Makes one HTTP attempt. */
  attempt: () => Promise<AttemptResult>;
  /** Total attempts allowed (≥ 1). */
  maxAttempts: number;
  sleep: (ms: number) => Promise<void>;
  correlationId?: string;
  /**
   * Whether a network failure may be retried. The service contract retries all of them; `MessagingClient`
   * only those where the request provably never left.
   */
  retryNetworkFailure: (result: Extract<AttemptResult, { kind: 'network' }>) => boolean;
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

/**
 * Runs attempts until success, a non-retryable failure, `maxAttempts`, or a `sleep` that rejects. HTTP and
 * network failures become results; only errors thrown by `attempt` itself (e.g. a limiter refusal) propagate.
 */
export async function runSendLoop(input: SendLoopInput): Promise<SendLoopResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await input.attempt();
    if (result.kind === 'success') {
      return { ok: true, status: result.status, data: result.data, attempts: attempt };
    }
    const waitMs = retryWaitMs(attempt, result.kind === 'error' ? result.serverWaitMs : undefined);
    const ctx = {
      ...(input.correlationId !== undefined ? { correlationId: input.correlationId } : {}),
      retryAfterMs: waitMs,
      attempts: attempt,
    };
    let mapped: MappedFailure;
    if (result.kind === 'error') {
      mapped = mapErrorAnswer(result.status, result.fields, ctx);
    } else {
      mapped = mapNetworkFailure(result, ctx);
      if (mapped.retryable && !input.retryNetworkFailure(result)) mapped = { ...mapped, retryable: false };
    }
    if (mapped.rateLimited) input.onRateLimit?.({ attempt, waitMs });
    if (!mapped.retryable || attempt >= input.maxAttempts) {
      return { ok: false, error: mapped.error, attempts: attempt, last: result };
    }
    try {
      await input.sleep(waitMs);
    } catch {
      // The wait was cut short (e.g. an aborting sleep): stop with the failure that was being waited out.
      return { ok: false, error: mapped.error, attempts: attempt, last: result };
    }
  }
}
