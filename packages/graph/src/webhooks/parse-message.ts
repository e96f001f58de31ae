/** The `message` object of a `messaging[]` item → {@link InstagramMessage}. */

import { arr, type Obj, obj, optional, str } from './json-read.js';
import type { InstagramMessage, InstagramMessageAttachment } from './types.js';

/** Attachments `{ type, payload: { url, … } }`; entries without a type are skipped. */
function parseAttachments(v: unknown): InstagramMessageAttachment[] {
  return arr(v).flatMap((a) => {
    const o = obj(a);
    const type = str(o?.['type']);
    if (!o || type === undefined) return [];
    const payload = obj(o['payload']);
    const url = str(payload?.['url']);
    return [{ type, ...(url !== undefined ? { url } : {}), ...(payload ? { payload: { ...payload } } : {}) }];
  });
}

/** Parses one message; `undefined` when it has no `mid`. */
export function parseMessage(
  m: Obj,
  ctx: { accountId: string; entryTime: number | undefined },
  senderId: string,
  recipientId: string,
  ts: number | undefined,
) {
  const mid = str(m['mid']);
  if (mid === undefined) return undefined;
  const text = str(m['text']);
  const quick = str(obj(m['quick_reply'])?.['payload']);
  const replyTo = obj(m['reply_to']);
  const story = obj(replyTo?.['story']);
  const referral = obj(m['referral']);
  const message: InstagramMessage = {
    mid,
    accountId: ctx.accountId,
    senderId,
    recipientId,
    timestamp: ts ?? ctx.entryTime ?? 0,
    ...(text !== undefined ? { text } : {}),
    attachments: parseAttachments(m['attachments']),
    isEcho: m['is_echo'] === true,
    isDeleted: m['is_deleted'] === true,
    isUnsupported: m['is_unsupported'] === true,
    ...(quick !== undefined ? { quickReplyPayload: quick } : {}),
  };
  if (replyTo) {
    const replyMid = str(replyTo['mid']);
    message.replyTo = {
      ...(replyMid !== undefined ? { mid: replyMid } : {}),
      ...(story
        ? { story: { ...optional('id', str(story['id'])), ...optional('url', str(story['url'])) } }
        : {}),
    };
  }
  if (referral) {
    message.referral = {
      ...optional('ref', str(referral['ref'])),
      ...optional('source', str(referral['source'])),
      ...optional('type', str(referral['type'])),
      ...optional('adId', str(referral['ad_id'])),
    };
  }
  return message;
}
