/**
 * `POST /{ig-user-id | page-id | me}/messages`: the Send API. Order of checks: auth (token,
 * permission, Page token for Facebook Login), body validation (100), send rate (613), policy
 * (2018001 / 551 / window 2534022 / private replies 2534025). A successful send is stored as
 * ground truth and echoed to webhooks (`is_echo: true`).
 */
import type { AccountRecord } from '../core/accounts.js';
import { graphError, unsupportedRequest } from '../core/errors.js';
import type { EmulatorContext, GraphRequest, RouteResult } from '../core/types.js';
import { messageItem } from './payloads.js';
import { checkSendPolicy } from './policy.js';
import type { RateBucket, SendRateLimiter } from './rate.js';
import type { MessagingStore } from './store.js';
import type { SendRequest } from './validate.js';
import { validateSendBody } from './validate.js';

/** What the send handler works on. */
export interface MessagingDeps {
  ctx: EmulatorContext;
  store: MessagingStore;
  rate: SendRateLimiter;
}

/** A message id shaped like Meta's IG mids (base64 of `ig_message_item:1:IGMessageID:...`). */
export function newMid(ctx: EmulatorContext, accountId: string): string {
  const n = ctx.ids.next('message');
  return Buffer.from(`ig_message_item:1:IGMessageID:${accountId}:${n}`).toString('base64url');
}

/** Authenticates a messaging-capable caller for `node`; Facebook Login needs a Page token (code 210). */
export function requireMessagingAuth(ctx: EmulatorContext, req: GraphRequest, node: string): AccountRecord {
  const auth = ctx.requireAuth(req, {
    node,
    capability: 'manage_messages',
    pageTokenForFacebookLogin: true,
  });
  if (auth.account === undefined) throw unsupportedRequest(req.method, node);
  return auth.account;
}

/**
 * 613 for a full Send API throughput window. The response adds a `messenger` entry at 100 % to the
 * account's `X-Business-Use-Case-Usage` (the pipeline merges it with the account's other entries);
 * the wait is in minutes, rounded up (a sub-second window says 1).
 */
function rateLimited(account: AccountRecord, retryAfterMs: number) {
  const messenger = {
    type: 'messenger',
    call_count: 100,
    total_cputime: 100,
    total_time: 100,
    estimated_time_to_regain_access: Math.ceil(retryAfterMs / 60_000),
  };
  return graphError({
    code: 613,
    message: '(#613) Calls to this api have exceeded the rate limit.',
    isTransient: true,
    headers: { 'x-business-use-case-usage': JSON.stringify({ [account.igUserId]: [messenger] }) },
  });
}

function buckets(request: SendRequest): RateBucket[] {
  const out: RateBucket[] = [];
  if (request.recipient.kind === 'comment') out.push('private_reply');
  out.push(request.rateClass);
  return out;
}

/** Handles one Send API call. Throws `GraphError` on failure. */
export function handleSend(deps: MessagingDeps, req: GraphRequest): RouteResult {
  const { ctx, store, rate } = deps;
  const account = requireMessagingAuth(ctx, req, req.params['node']!);
  const validated = validateSendBody(req.args);
  if (!validated.ok) throw validated.error;
  const request = validated.value;
  for (const bucket of buckets(request)) {
    const d = rate.tryAcquire(account.igUserId, bucket);
    if (!d.ok) throw rateLimited(account, d.retryAfterMs);
  }
  const now = ctx.clock.now();
  const policy = checkSendPolicy(
    store,
    { accountId: account.igUserId, now, humanAgent: account.humanAgent },
    request,
  );
  if (!policy.ok) throw policy.error;
  const { igsid, commentId } = policy.value;
  const action = request.action;

  if (action.kind === 'sender_action') {
    store.conversation(account.igUserId, igsid).lastSenderAction = action.action;
    return { body: { recipient_id: igsid } };
  }
  if (action.kind === 'reaction') {
    const target = store.message(action.mid)!;
    target.reactions = target.reactions.filter((r) => r.by !== 'business');
    if (action.action === 'react')
      target.reactions.push({ by: 'business', reaction: action.reaction ?? 'love', at: now });
    return { body: { recipient_id: igsid } };
  }

  const mid = newMid(ctx, account.igUserId);
  const { text, attachments } = action.message;
  store.addMessage({
    mid,
    accountId: account.igUserId,
    igsid,
    direction: 'outbound',
    timestamp: now,
    ...(text === undefined ? {} : { text }),
    ...(attachments.length === 0 ? {} : { attachments }),
    ...(request.tag === undefined ? {} : { tag: request.tag }),
    ...(commentId === undefined ? {} : { commentId }),
    ...(request.replyToMid === undefined ? {} : { replyToMid: request.replyToMid }),
    reactions: [],
  });
  if (commentId !== undefined) {
    const comment = store.comments.get(commentId);
    if (comment) comment.privateReplyMid = mid;
  }
  ctx.events.emit({
    object: 'instagram',
    igUserId: account.igUserId,
    field: 'messages',
    shape: 'messaging',
    payload: messageItem({
      from: account.igUserId,
      to: igsid,
      timestamp: now,
      mid,
      ...(text === undefined ? {} : { text }),
      attachments,
      isEcho: true,
    }),
    time: now,
  });
  return { body: { recipient_id: igsid, message_id: mid } };
}
