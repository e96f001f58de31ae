/**
 * Send API body validation (`POST /{id}/messages`), returning Meta's code-100 errors.
 * Sources: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/messaging-api
 * and https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/messaging-api/sender-actions
 * Body values may be objects (JSON body) or JSON strings (form-encoded body, as Meta's curl samples).
 */
import { type GraphError, invalidParameter } from '../core/errors.js';
import { parseHttpUrl, UNREACHABLE_HOST } from '../core/urls.js';

/** Attachment types the Instagram Send API accepts (case-sensitive, as Meta spells them). */
export const ATTACHMENT_TYPES = [
  'image',
  'audio',
  'video',
  'file',
  'template',
  'MEDIA_SHARE',
  'like_heart',
] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** Limits from the Send API docs. */
export const SEND_LIMITS = {
  textBytes: 1000,
  images: 10,
  quickReplies: 13,
  quickReplyTitleChars: 20,
} as const;

export interface Attachment {
  type: AttachmentType;
  payload?: Record<string, unknown>;
}

export interface QuickReply {
  content_type: 'text';
  title: string;
  payload: string;
}

/** An outbound message after validation. */
export interface OutboundMessage {
  text?: string;
  attachments: Attachment[];
  quickReplies: QuickReply[];
}

export type Recipient = { kind: 'id'; id: string } | { kind: 'comment'; commentId: string };

export type SendAction =
  | { kind: 'message'; message: OutboundMessage }
  | { kind: 'sender_action'; action: 'typing_on' | 'typing_off' | 'mark_seen' }
  | { kind: 'reaction'; action: 'react' | 'unreact'; mid: string; reaction?: string };

/** Which per-account rate bucket a send spends (see rate.ts). */
export type RateClass = 'text' | 'media';

/** A validated Send API request. */
export interface SendRequest {
  recipient: Recipient;
  action: SendAction;
  messagingType?: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  tag?: string;
  replyToMid?: string;
  rateClass: RateClass;
}

/** `{ ok: true, value }` or Meta's error (never thrown, so callers can order checks). */
export type Validated<T> = { ok: true; value: T } | { ok: false; error: GraphError };

const MEDIA_TYPES: ReadonlySet<string> = new Set(['image', 'audio', 'video', 'file']);
const SENDER_ACTIONS = new Set(['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact']);
const MESSAGING_TYPES = new Set(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);

class Invalid extends Error {
  constructor(readonly error: GraphError) {
    super(error.message);
  }
}

function fail(message: string, subcode?: number): never {
  throw new Invalid(invalidParameter(message, subcode));
}

/** Parses a param that may be an object or a JSON string (form bodies); `undefined` when absent. */
function objectParam(params: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  let v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      fail(`param ${name} must be a JSON object`);
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`param ${name} must be a JSON object`);
  return v as Record<string, unknown>;
}

function stringParam(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') fail(`param ${name} must be a string`);
  return v;
}

function nonEmptyId(v: unknown): v is string | number {
  return (typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v));
}

function parseRecipient(params: Record<string, unknown>): Recipient {
  const r = objectParam(params, 'recipient');
  if (!r) fail('The parameter recipient is required');
  const hasId = r['id'] !== undefined;
  const hasComment = r['comment_id'] !== undefined;
  if (hasId === hasComment) fail('param recipient must contain exactly one of id or comment_id');
  if (hasId) {
    if (!nonEmptyId(r['id'])) fail('param recipient[id] must be a non-empty id');
    return { kind: 'id', id: String(r['id']) };
  }
  if (!nonEmptyId(r['comment_id'])) fail('param recipient[comment_id] must be a non-empty id');
  return { kind: 'comment', commentId: String(r['comment_id']) };
}

function parseAttachment(raw: unknown, where: string): Attachment {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`param ${where} must be an object`);
  const a = raw as Record<string, unknown>;
  const type = a['type'];
  if (typeof type !== 'string' || !(ATTACHMENT_TYPES as readonly string[]).includes(type)) {
    fail(`param ${where}[type] must be one of {${ATTACHMENT_TYPES.join(', ')}}`);
  }
  const payload = a['payload'];
  if (type === 'like_heart') return { type };
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    fail(`param ${where}[payload] is required for type ${type}`);
  }
  const p = payload as Record<string, unknown>;
  if (MEDIA_TYPES.has(type)) {
    const hasUrl = p['url'] !== undefined;
    const hasId = p['attachment_id'] !== undefined;
    if (hasUrl === hasId) fail(`param ${where}[payload] must contain exactly one of url or attachment_id`);
    const url = hasUrl ? parseHttpUrl(p['url']) : undefined;
    if (hasUrl && url === undefined) fail(`param ${where}[payload][url] must be a valid URL`);
    if (url?.hostname === UNREACHABLE_HOST) {
      // Meta could not download the file (Messenger error table; UNCONFIRMED wording for IG).
      fail('Failed to fetch the file from the url', 2018008);
    }
    if (hasId && !nonEmptyId(p['attachment_id']))
      fail(`param ${where}[payload][attachment_id] must be an id`);
  } else if (type === 'MEDIA_SHARE') {
    if (!nonEmptyId(p['id'])) fail(`param ${where}[payload][id] is required for MEDIA_SHARE`);
  } else if (type === 'template') {
    const t = p['template_type'];
    if (t !== 'generic' && t !== 'button')
      fail(`param ${where}[payload][template_type] must be generic or button`);
  }
  return { type: type as AttachmentType, payload: p };
}

function parseQuickReplies(raw: unknown): QuickReply[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail('param message[quick_replies] must be an array');
  if (raw.length > SEND_LIMITS.quickReplies) {
    fail(`param message[quick_replies] must have at most ${SEND_LIMITS.quickReplies} elements`);
  }
  return raw.map((q, i) => {
    const o = (typeof q === 'object' && q !== null ? q : {}) as Record<string, unknown>;
    if (o['content_type'] !== 'text') fail(`param message[quick_replies][${i}][content_type] must be text`);
    const title = o['title'];
    if (typeof title !== 'string' || title === '')
      fail(`param message[quick_replies][${i}][title] is required`);
    if ([...title].length > SEND_LIMITS.quickReplyTitleChars) {
      fail(
        `param message[quick_replies][${i}][title] must be at most ${SEND_LIMITS.quickReplyTitleChars} characters`,
      );
    }
    const payload = o['payload'];
    if (typeof payload !== 'string' || payload === '')
      fail(`param message[quick_replies][${i}][payload] is required`);
    return { content_type: 'text', title, payload };
  });
}

function parseMessage(m: Record<string, unknown>): OutboundMessage {
  const text = m['text'];
  if (text !== undefined && typeof text !== 'string') fail('param message[text] must be a string');
  if (typeof text === 'string') {
    if (text === '') fail('param message[text] must be non-empty');
    if (Buffer.byteLength(text, 'utf8') > SEND_LIMITS.textBytes) {
      fail(`Length of param message[text] must be less than or equal to ${SEND_LIMITS.textBytes}`);
    }
  }
  const single = m['attachment'];
  const plural = m['attachments'];
  if (single !== undefined && plural !== undefined)
    fail('param message must not contain both attachment and attachments');
  let attachments: Attachment[] = [];
  if (single !== undefined) attachments = [parseAttachment(single, 'message[attachment]')];
  if (plural !== undefined) {
    const list = Array.isArray(plural) ? plural : [plural];
    if (list.length === 0) fail('param message[attachments] must not be empty');
    if (list.length > SEND_LIMITS.images)
      fail(`param message[attachments] must have at most ${SEND_LIMITS.images} elements`);
    attachments = list.map((a, i) => parseAttachment(a, `message[attachments][${i}]`));
    if (attachments.some((a) => a.type !== 'image')) fail('param message[attachments] only supports images');
  }
  if (text !== undefined && attachments.length > 0)
    fail('param message must contain either text or attachment, not both');
  if (text === undefined && attachments.length === 0) fail('param message must contain text or attachment');
  const quickReplies = parseQuickReplies(m['quick_replies']);
  if (quickReplies.length > 0 && text === undefined)
    fail('param message[quick_replies] requires message[text]');
  return { ...(text === undefined ? {} : { text }), attachments, quickReplies };
}

function parseSenderAction(action: string, params: Record<string, unknown>): SendAction {
  if (!SENDER_ACTIONS.has(action))
    fail('param sender_action must be one of {typing_on, typing_off, mark_seen, react, unreact}');
  if (action !== 'react' && action !== 'unreact')
    return { kind: 'sender_action', action: action as 'typing_on' };
  const payload = objectParam(params, 'payload');
  if (!payload || !nonEmptyId(payload['message_id']))
    fail(`param payload[message_id] is required for ${action}`);
  const mid = String(payload['message_id']);
  if (action === 'unreact') return { kind: 'reaction', action, mid };
  const reaction = payload['reaction'];
  if (typeof reaction !== 'string' || reaction === '') fail('param payload[reaction] is required for react');
  return { kind: 'reaction', action, mid, reaction };
}

function rateClassOf(action: SendAction): RateClass {
  if (action.kind !== 'message') return 'text';
  return action.message.attachments.some((a) => MEDIA_TYPES.has(a.type)) ? 'media' : 'text';
}

/** Validates a Send API body (JSON object, or form fields whose object values are JSON strings). */
export function validateSendBody(params: Record<string, unknown>): Validated<SendRequest> {
  try {
    const recipient = parseRecipient(params);
    const message = objectParam(params, 'message');
    const senderAction = stringParam(params, 'sender_action');
    if (message && senderAction) fail('Only one of message or sender_action can be sent in a request');
    if (!message && !senderAction) fail('Must send either message or sender_action');
    const action: SendAction = message
      ? { kind: 'message', message: parseMessage(message) }
      : parseSenderAction(senderAction!, params);
    if (recipient.kind === 'comment') {
      if (action.kind !== 'message') fail('A private reply (recipient[comment_id]) must be a message');
      if (action.message.text === undefined)
        fail('A private reply (recipient[comment_id]) must be a text message');
    }
    const messagingType = stringParam(params, 'messaging_type');
    if (messagingType !== undefined && !MESSAGING_TYPES.has(messagingType)) {
      fail('param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
    }
    const tag = stringParam(params, 'tag');
    if (tag !== undefined && messagingType !== 'MESSAGE_TAG')
      fail('param tag requires messaging_type MESSAGE_TAG');
    if (messagingType === 'MESSAGE_TAG' && tag === undefined)
      fail('param tag is required when messaging_type is MESSAGE_TAG');
    if (tag !== undefined && tag !== 'HUMAN_AGENT')
      fail(`param tag ${tag} is not supported for Instagram; use HUMAN_AGENT`);
    const replyTo = objectParam(params, 'reply_to');
    const replyToMid = replyTo && nonEmptyId(replyTo['mid']) ? String(replyTo['mid']) : undefined;
    const value: SendRequest = { recipient, action, rateClass: rateClassOf(action) };
    if (messagingType) value.messagingType = messagingType as SendRequest['messagingType'];
    if (tag) value.tag = tag;
    if (replyToMid) value.replyToMid = replyToMid;
    return { ok: true, value };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.error };
    throw e;
  }
}
