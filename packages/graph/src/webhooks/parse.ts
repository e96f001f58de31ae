/**
 * Parses an Instagram webhook body into typed events. Handles live `entry[].messaging[]` (and `standby[]`),
 * `entry[].changes[]` (comments, live comments, mentions), the App Dashboard test button's `changes`-shaped
 * messaging payloads, the documentation's `field`/`value`-on-entry variant, string ids and string
 * timestamps, and seconds vs milliseconds. Malformed items become `unknown` events; only a body that is not
 * a webhook at all is rejected.
 */
import { createHash } from 'node:crypto';
import { WebhookPayloadError } from './errors.js';
import { arr, obj, optional, parseJsonKeepingLongIntegers, readEpochMs, str } from './json-read.js';
import { parseMessage } from './parse-message.js';
import type { ParsedWebhook, WebhookEvent, WebhookEventBase } from './types.js';

/** Webhook fields whose updates are `messaging[]` items. */
const MESSAGING_FIELDS: ReadonlySet<string> = new Set([
  'messages',
  'message_echoes',
  'message_edit',
  'message_reactions',
  'messaging_postbacks',
  'messaging_seen',
  'messaging_referral',
  'messaging_optins',
  'messaging_handover',
  'standby',
]);

interface ItemContext {
  accountId: string;
  entryTime: number | undefined;
  source: WebhookEventBase['source'];
  testPayload: boolean;
}

function base(
  ctx: ItemContext,
  field: string,
  timestamp: number | undefined,
  dedupeKey: string,
): WebhookEventBase {
  return {
    accountId: ctx.accountId,
    field,
    timestamp: timestamp ?? ctx.entryTime ?? 0,
    source: ctx.source,
    testPayload: ctx.testPayload,
    dedupeKey,
  };
}

function unknownEvent(ctx: ItemContext, field: string, raw: unknown): WebhookEvent {
  let digest = '';
  try {
    digest = createHash('sha256')
      .update(JSON.stringify(raw) ?? '')
      .digest('hex')
      .slice(0, 32);
  } catch {
    digest = 'unserialisable';
  }
  return { ...base(ctx, field, undefined, `unknown:${field}:${digest}`), type: 'unknown', raw };
}

function fromMessagingItem(raw: unknown, ctx: ItemContext, fieldHint?: string): WebhookEvent {
  const item = obj(raw);
  if (!item) return unknownEvent(ctx, fieldHint ?? 'messaging', raw);
  const senderId = str(obj(item['sender'])?.['id']) ?? '';
  const recipientId = str(obj(item['recipient'])?.['id']) ?? '';
  const ts = readEpochMs(item['timestamp']);
  const message = obj(item['message']);
  if (message) {
    const parsed = parseMessage(message, ctx, senderId, recipientId, ts);
    if (!parsed) return unknownEvent(ctx, fieldHint ?? 'messages', raw);
    const field = fieldHint ?? 'messages';
    const key = parsed.isDeleted ? `message_deleted:${parsed.mid}` : `message:${parsed.mid}`;
    return parsed.isEcho
      ? { ...base(ctx, field, ts, key), type: 'echo', senderId, recipientId, message: parsed }
      : { ...base(ctx, field, ts, key), type: 'message', senderId, recipientId, message: parsed };
  }
  const reaction = obj(item['reaction']);
  if (reaction) {
    const mid = str(reaction['mid']);
    const action =
      reaction['action'] === 'unreact' ? 'unreact' : reaction['action'] === 'react' ? 'react' : undefined;
    if (mid === undefined || action === undefined)
      return unknownEvent(ctx, fieldHint ?? 'message_reactions', raw);
    const r = str(reaction['reaction']);
    const emoji = str(reaction['emoji']);
    return {
      ...base(ctx, fieldHint ?? 'message_reactions', ts, `reaction:${mid}:${action}:${r ?? ''}:${ts ?? ''}`),
      type: 'reaction',
      senderId,
      recipientId,
      mid,
      action,
      ...optional('reaction', r),
      ...optional('emoji', emoji),
    };
  }
  const read = obj(item['read']);
  if (read) {
    const mid = str(read['mid']);
    if (mid === undefined) return unknownEvent(ctx, fieldHint ?? 'messaging_seen', raw);
    return {
      ...base(ctx, fieldHint ?? 'messaging_seen', ts, `read:${mid}`),
      type: 'read',
      senderId,
      recipientId,
      mid,
    };
  }
  const postback = obj(item['postback']);
  if (postback) {
    const mid = str(postback['mid']);
    return {
      ...base(ctx, fieldHint ?? 'messaging_postbacks', ts, `postback:${mid ?? `${senderId}:${ts ?? ''}`}`),
      type: 'postback',
      senderId,
      recipientId,
      ...optional('mid', mid),
      ...optional('title', str(postback['title'])),
      ...optional('payload', str(postback['payload'])),
    };
  }
  const referral = obj(item['referral']);
  if (referral) {
    const ref = str(referral['ref']);
    return {
      ...base(ctx, fieldHint ?? 'messaging_referral', ts, `referral:${senderId}:${ts ?? ''}:${ref ?? ''}`),
      type: 'referral',
      senderId,
      recipientId,
      ...optional('ref', ref),
      ...optional('referralSource', str(referral['source'])),
      ...optional('referralType', str(referral['type'])),
      ...optional('adId', str(referral['ad_id'])),
    };
  }
  return unknownEvent(ctx, fieldHint ?? 'messaging', raw);
}

function fromChange(raw: unknown, ctx: ItemContext): WebhookEvent {
  const change = obj(raw);
  const field = str(change?.['field']);
  if (!change || field === undefined) return unknownEvent(ctx, 'changes', raw);
  if (MESSAGING_FIELDS.has(field))
    return fromMessagingItem(change['value'], { ...ctx, testPayload: true }, field);
  const value = obj(change['value']);
  if (!value) return unknownEvent(ctx, field, raw);
  const ts = readEpochMs(value['timestamp']);
  if (field === 'comments' || field === 'live_comments') {
    const commentId = str(value['id']) ?? str(value['comment_id']);
    if (commentId === undefined) return unknownEvent(ctx, field, raw);
    const from = obj(value['from']);
    const fromId = str(from?.['id']);
    const media = obj(value['media']);
    return {
      ...base(ctx, field, ts, `comment:${commentId}`),
      type: 'comment',
      commentId,
      live: field === 'live_comments',
      ...optional('text', str(value['text'])),
      ...(fromId !== undefined
        ? { from: { id: fromId, ...optional('username', str(from?.['username'])) } }
        : {}),
      ...optional('mediaId', str(media?.['id'])),
      ...optional('mediaProductType', str(media?.['media_product_type'])),
      ...optional('parentId', str(value['parent_id'])),
      ...optional('adId', str(media?.['ad_id'])),
    };
  }
  if (field === 'mentions') {
    const mediaId = str(value['media_id']);
    const commentId = str(value['comment_id']);
    return {
      ...base(ctx, field, ts, `mention:${mediaId ?? ''}:${commentId ?? ''}`),
      type: 'mention',
      ...optional('mediaId', mediaId),
      ...optional('commentId', commentId),
    };
  }
  return unknownEvent(ctx, field, raw);
}

function invalid(message: string): WebhookPayloadError {
  return new WebhookPayloadError(message);
}

/**
 * Parses a webhook body (raw string/bytes or already-parsed JSON) into typed events, in delivery order.
 * Throws {@link WebhookPayloadError} (`INVALID_WEBHOOK_PAYLOAD`) only when the body is not JSON or has no
 * `entry` array. Verify the signature on the raw bytes first, then pass those raw bytes (or their text) here:
 * numeric ids above 2^53 are kept exact only when this function parses the JSON itself.
 */
export function parseWebhook(body: unknown): ParsedWebhook {
  let payload: unknown = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    try {
      payload = parseJsonKeepingLongIntegers(text);
    } catch {
      throw invalid('webhook body is not valid JSON');
    }
  }
  const root = obj(payload);
  if (!root || !Array.isArray(root['entry'])) throw invalid('webhook body has no entry array');
  const object = str(root['object']) ?? 'unknown';
  const events: WebhookEvent[] = [];
  for (const rawEntry of root['entry'] as unknown[]) {
    const entry = obj(rawEntry);
    if (!entry) continue;
    const ctx: ItemContext = {
      accountId: str(entry['id']) ?? '',
      entryTime: readEpochMs(entry['time']),
      source: 'messaging',
      testPayload: false,
    };
    for (const item of arr(entry['messaging'])) events.push(fromMessagingItem(item, ctx));
    for (const item of arr(entry['standby']))
      events.push(fromMessagingItem(item, { ...ctx, source: 'standby' }));
    const changes = Array.isArray(entry['changes'])
      ? entry['changes']
      : typeof entry['field'] === 'string' && 'value' in entry
        ? [{ field: entry['field'], value: entry['value'] }]
        : [];
    for (const change of changes) events.push(fromChange(change, { ...ctx, source: 'changes' }));
  }
  return { object, events };
}
