/**
 * Every queue, defined in one place: its retry limit, backoff, expiry and dead-letter queue. pg-boss executes
 * the policy (retries, delays, expiry of a job whose worker died, moving an exhausted job to `<name>-dlq`);
 * igkit only records each failure and turns the dead-letter job into a `dead_letters` row.
 */
export interface QueuePolicy {
  /** Retries after the first attempt. */
  retryLimit: number;
  /** Seconds before the first retry (doubled each retry when `retryBackoff`). */
  retryDelay: number;
  retryBackoff: boolean;
  /** A job running longer than this is taken to have lost its worker, and fails (then retries). */
  expireInSeconds: number;
}

export const QUEUE_NAMES = [
  'publish-post',
  'refresh-insights',
  'refresh-token',
  'webhook-event',
  'send-message',
  'settle-send',
  'purge-messages',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const QUEUE_POLICIES: Readonly<Record<QueueName, QueuePolicy>> = {
  // Must outlast the Publisher's lease (max(5 min, container wait + 2 min)) so a live worker is never doubled.
  'publish-post': { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 15 * 60 },
  'refresh-insights': { retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 5 * 60 },
  'refresh-token': { retryLimit: 5, retryDelay: 300, retryBackoff: true, expireInSeconds: 5 * 60 },
  'webhook-event': { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 5 * 60 },
  // A send is never repeated blindly: only failures Meta cannot have accepted are retried (see messaging/).
  'send-message': { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 5 * 60 },
  // Marks a send whose outcome stayed unknown (no echo by the deadline) for review.
  'settle-send': { retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 60 },
  'purge-messages': { retryLimit: 3, retryDelay: 600, retryBackoff: true, expireInSeconds: 30 * 60 },
};

/** The dead-letter queue of `name`. */
export function deadLetterQueue(name: string): string {
  return `${name}-dlq`;
}

/** Policies with per-queue overrides applied (tests use short delays). */
export function resolvePolicies(
  overrides: Partial<Record<string, Partial<QueuePolicy>>> = {},
): Record<string, QueuePolicy> {
  const out: Record<string, QueuePolicy> = {};
  for (const [name, policy] of Object.entries(QUEUE_POLICIES)) out[name] = { ...policy, ...overrides[name] };
  return out;
}
