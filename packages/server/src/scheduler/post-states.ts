/**
 * The post state machine: the states and the one table of allowed transitions. Every transition is stored
 * with its time and reason in `post_events` (the post's timeline).
 *
 *   scheduled → publishing → published
 *                          → failed           (user-fixable error, or retries exhausted)
 *                          → needs_attention  (OAUTH_ERROR: the account needs a new token)
 *                          → scheduled        (RATE_LIMIT / PUBLISH_LIMIT: retry at Meta's time)
 *   scheduled → cancelled | needs_attention | scheduled (rescheduled)
 *   needs_attention → scheduled (a new token was stored) | cancelled
 *   failed → scheduled (retried by a person)
 */
export const POST_STATES = [
  'scheduled',
  'publishing',
  'published',
  'failed',
  'needs_attention',
  'cancelled',
] as const;
export type PostState = (typeof POST_STATES)[number];

export const POST_TRANSITIONS: Readonly<Record<PostState, readonly PostState[]>> = {
  scheduled: ['scheduled', 'publishing', 'cancelled', 'needs_attention'],
  publishing: ['publishing', 'published', 'failed', 'needs_attention', 'scheduled'],
  needs_attention: ['scheduled', 'cancelled'],
  failed: ['scheduled'],
  published: [],
  cancelled: [],
};

export function canTransition(from: PostState, to: PostState): boolean {
  return POST_TRANSITIONS[from].includes(to);
}

/** States a transition into `to` may start from. */
export function sourcesOf(to: PostState): PostState[] {
  return POST_STATES.filter((s) => canTransition(s, to));
}
