/**
 * Messaging control plane: simulated Instagram users and what they do (`/__emulator/users/...`),
 * per-account send-rate limits. Each user action updates ground truth and emits the webhook Meta
 * would send (https://developers.facebook.com/docs/instagram-platform/webhooks/examples).
 */
import type { AccountRecord } from '../core/accounts.js';
import { ControlError } from '../core/errors.js';
import type { EmulatorEvent } from '../core/events.js';
import type { GraphRequest } from '../core/types.js';
import { commentValue, mentionValue, messageItem, reactionItem, readItem } from './payloads.js';
import type { SendRateLimits } from './rate.js';
import { type MessagingDeps, newMid } from './send.js';
import type { IgUser, MessageAttachment, StoredMessage } from './store.js';

function str(b: Record<string, unknown>, key: string, required: true): string;
function str(b: Record<string, unknown>, key: string, required?: false): string | undefined;
function str(b: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) {
    if (required) throw new ControlError(400, `${key} is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v === '') throw new ControlError(400, `${key} must be a non-empty string`);
  return v;
}

const USER_ATTACHMENT_TYPES = new Set([
  'image',
  'video',
  'audio',
  'file',
  'share',
  'story_mention',
  'ig_reel',
  'reel',
]);

function userAttachments(v: unknown): MessageAttachment[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new ControlError(400, 'attachments must be an array of { type, url }');
  return v.map((a) => {
    const o = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
    if (typeof o['type'] !== 'string' || !USER_ATTACHMENT_TYPES.has(o['type']))
      throw new ControlError(400, `attachment type must be one of ${[...USER_ATTACHMENT_TYPES].join(', ')}`);
    if (typeof o['url'] !== 'string') throw new ControlError(400, 'attachment url is required');
    return { type: o['type'], payload: { url: o['url'] } };
  });
}

/** Registers `/__emulator/users...` and `/__emulator/accounts/{id}/send-rate`. */
export function installMessagingControl(deps: MessagingDeps): void {
  const { ctx, store, rate } = deps;
  const r = ctx.router;
  const userOr404 = (igsid: string): IgUser => {
    const u = store.users.get(igsid);
    if (!u) throw new ControlError(404, `no user ${igsid}`);
    return u;
  };
  const accountOr404 = (id: string): AccountRecord => {
    const a = ctx.accounts.account(id);
    if (!a) throw new ControlError(404, `no account ${id}`);
    return a;
  };
  /** A message of this user's conversation with the account, else 404. */
  const messageOr404 = (mid: string, user: IgUser, account: AccountRecord): StoredMessage => {
    const message = store.message(mid);
    if (!message || message.accountId !== account.igUserId || message.igsid !== user.igsid)
      throw new ControlError(404, `no message ${mid} in this conversation`);
    return message;
  };
  /** Emits the webhook event of a user action on the account. */
  const emit = (
    account: AccountRecord,
    field: string,
    shape: EmulatorEvent['shape'],
    payload: unknown,
    now: number,
  ): void =>
    ctx.events.emit({ object: 'instagram', igUserId: account.igUserId, field, shape, payload, time: now });
  const target = (req: GraphRequest) => ({
    user: userOr404(req.params['igsid']!),
    account: accountOr404(str(req.args, 'igUserId', true)),
    now: ctx.clock.now(),
  });

  r.post('/__emulator/users', (req) => {
    const username = str(req.args, 'username') ?? `ig_user_${store.users.size + 1}`;
    const igsid = ctx.ids.next('igsid');
    const user: IgUser = { igsid, username, unavailable: false, createdAt: ctx.clock.now() };
    store.users.set(igsid, user);
    return { status: 201, body: { igsid, username } };
  });

  r.get('/__emulator/users', () => ({ body: { data: [...store.users.values()].map((u) => ({ ...u })) } }));

  r.put('/__emulator/users/:igsid', (req) => {
    const user = userOr404(req.params['igsid']!);
    const unavailable = req.args['unavailable'];
    if (unavailable !== undefined && typeof unavailable !== 'boolean')
      throw new ControlError(400, 'unavailable must be a boolean');
    if (typeof unavailable === 'boolean') user.unavailable = unavailable;
    const username = str(req.args, 'username');
    if (username !== undefined) user.username = username;
    return { body: { ...user } };
  });

  r.post('/__emulator/users/:igsid/messages', (req) => {
    const { user, account, now } = target(req);
    const text = str(req.args, 'text');
    const attachments = userAttachments(req.args['attachments']);
    const replyToMid = str(req.args, 'replyToMid');
    if (text === undefined && (attachments === undefined || attachments.length === 0))
      throw new ControlError(400, 'text or attachments is required');
    const mid = newMid(ctx, account.igUserId);
    store.addMessage({
      mid,
      accountId: account.igUserId,
      igsid: user.igsid,
      direction: 'inbound',
      timestamp: now,
      ...(text === undefined ? {} : { text }),
      ...(attachments === undefined ? {} : { attachments }),
      ...(replyToMid === undefined ? {} : { replyToMid }),
      reactions: [],
    });
    store.conversation(account.igUserId, user.igsid).lastInboundAt = now;
    const payload = messageItem({
      from: user.igsid,
      to: account.igUserId,
      timestamp: now,
      mid,
      ...(text === undefined ? {} : { text }),
      ...(attachments === undefined ? {} : { attachments }),
      ...(replyToMid === undefined ? {} : { replyToMid }),
    });
    emit(account, 'messages', 'messaging', payload, now);
    return { status: 201, body: { mid, timestamp: now } };
  });

  r.post('/__emulator/users/:igsid/comments', (req) => {
    const { user, account, now } = target(req);
    const text = str(req.args, 'text', true);
    const parentId = str(req.args, 'parentId');
    let mediaId = str(req.args, 'mediaId');
    const known =
      mediaId === undefined
        ? ctx.services.media?.ofAccount(account.igUserId)[0]
        : ctx.services.media?.get(mediaId);
    mediaId ??= known?.id ?? ctx.ids.next('media');
    const mediaProductType = str(req.args, 'mediaProductType') ?? known?.mediaProductType ?? 'FEED';
    const id = ctx.ids.next('comment');
    store.addComment({
      id,
      accountId: account.igUserId,
      igsid: user.igsid,
      mediaId,
      text,
      createdAt: now,
      username: user.username,
      ...(parentId === undefined ? {} : { parentId }),
    });
    const value = commentValue({
      id,
      igsid: user.igsid,
      username: user.username,
      text,
      mediaId,
      mediaProductType,
      ...(parentId === undefined ? {} : { parentId }),
    });
    emit(account, 'comments', 'changes', value, now);
    return { status: 201, body: { id, mediaId } };
  });

  r.post('/__emulator/users/:igsid/reactions', (req) => {
    const { user, account, now } = target(req);
    const mid = str(req.args, 'mid', true);
    const action = req.args['action'] ?? 'react';
    if (action !== 'react' && action !== 'unreact')
      throw new ControlError(400, "action must be 'react' or 'unreact'");
    const reaction = str(req.args, 'reaction') ?? 'love';
    const message = messageOr404(mid, user, account);
    message.reactions = message.reactions.filter((x) => x.by !== 'user');
    if (action === 'react') message.reactions.push({ by: 'user', reaction, at: now });
    const payload = reactionItem({
      from: user.igsid,
      to: account.igUserId,
      timestamp: now,
      mid,
      action,
      reaction,
    });
    emit(account, 'message_reactions', 'messaging', payload, now);
    return { body: { success: true } };
  });

  r.post('/__emulator/users/:igsid/reads', (req) => {
    const { user, account, now } = target(req);
    const mid = str(req.args, 'mid', true);
    const message = messageOr404(mid, user, account);
    message.readAt ??= now;
    const payload = readItem({ from: user.igsid, to: account.igUserId, timestamp: now, mid });
    emit(account, 'messaging_seen', 'messaging', payload, now);
    return { body: { success: true } };
  });

  r.post('/__emulator/users/:igsid/mentions', (req) => {
    const { account, now } = target(req);
    const mediaId = str(req.args, 'mediaId', true);
    const commentId = str(req.args, 'commentId');
    const payload = mentionValue({ mediaId, ...(commentId === undefined ? {} : { commentId }) });
    emit(account, 'mentions', 'changes', payload, now);
    return { body: { success: true } };
  });

  r.put('/__emulator/accounts/:igUserId/send-rate', (req) => {
    const account = accountOr404(req.params['igUserId']!);
    const patch: Partial<SendRateLimits> = {};
    for (const key of ['textPerSecond', 'mediaPerSecond', 'privateRepliesPerHour'] as const)
      if (req.args[key] !== undefined) patch[key] = req.args[key] as number;
    // configure() validates every value (RangeError → 400 with its message) before changing anything.
    rate.configure(account.igUserId, patch);
    return { body: rate.limitsFor(account.igUserId) };
  });
}
