/**
 * Builders for every Send API body `MessagingClient` (and, for text, the service contract) sends, with Meta's
 * input limits checked locally (→ `BadRequestError` before any call). Each builder also says which limiter class the send uses and
 * whether a lost answer leaves the outcome unknown (messages) or is safe to repeat (sender actions, reactions).
 */
import { bad, requireId, requireText, requireUrl } from './send-input.js';
import type { SendClass } from './send-rates.js';

/** Attachment media types the Send API accepts by URL or attachment id. */
export type AttachmentType = 'image' | 'video' | 'audio' | 'file';

/** Where an attachment comes from: a public URL, or an id from the Attachment Upload API. */
export type AttachmentSource = { url: string } | { attachmentId: string };

/** An attachment to send. */
export type AttachmentInput = { type: AttachmentType } & AttachmentSource;

/** A text quick reply (Instagram allows up to 13; title ≤ 20 characters). */
export interface QuickReply {
  title: string;
  payload: string;
}

/** A button of a generic-template element. */
export type TemplateButton =
  | { type: 'web_url'; title: string; url: string }
  | { type: 'postback'; title: string; payload: string };

/** One element (card) of a generic template (up to 10). */
export interface GenericTemplateElement {
  title: string;
  subtitle?: string;
  imageUrl?: string;
  defaultActionUrl?: string;
  buttons?: TemplateButton[];
}

/** Sender actions. */
export type SenderAction = 'typing_on' | 'typing_off' | 'mark_seen';

/** What kind of send a body is (drives policy, limiter class and duplicate handling). */
export type SendKind =
  | 'text'
  | 'attachment'
  | 'quick_replies'
  | 'template'
  | 'reaction'
  | 'sender_action'
  | 'private_reply';

/** A built request. */
export interface BuiltSend {
  kind: SendKind;
  body: Record<string, unknown>;
  /** Limiter classes to acquire, in order. */
  classes: SendClass[];
  /** Whether a lost answer must be reported as `outcome: 'unknown'` (true) or may be retried (false). */
  duplicateRisk: boolean;
  /** Text whose keyed hash identifies the message for echo reconciliation (never stored as is). */
  text?: string;
  /** Attachment types sent (for reconciliation). */
  attachmentTypes?: string[];
}

const ATTACHMENT_TYPES: ReadonlySet<string> = new Set(['image', 'video', 'audio', 'file']);

function attachmentPayload(source: AttachmentSource): Record<string, string> {
  const hasUrl = 'url' in source && source.url !== undefined;
  const hasId = 'attachmentId' in source && source.attachmentId !== undefined;
  if (hasUrl === hasId) throw bad('an attachment needs exactly one of url or attachmentId');
  if (hasUrl) return { url: requireUrl((source as { url: string }).url, 'attachment url') };
  return { attachment_id: requireId((source as { attachmentId: string }).attachmentId, 'attachmentId') };
}

const to = (recipientId: string) => ({ recipient: { id: requireId(recipientId, 'recipient id') } });

/** `{recipient:{id}, message:{text}}`. */
export function buildText(recipientId: string, text: string): BuiltSend {
  const t = requireText(text);
  return {
    kind: 'text',
    body: { ...to(recipientId), message: { text: t } },
    classes: ['text'],
    duplicateRisk: true,
    text: t,
  };
}

/** One image/video/audio/file attachment (`message.attachment`). */
export function buildAttachment(recipientId: string, attachment: AttachmentInput): BuiltSend {
  if (!attachment || !ATTACHMENT_TYPES.has(attachment.type)) {
    throw bad('attachment type must be image, video, audio or file');
  }
  return {
    kind: 'attachment',
    body: {
      ...to(recipientId),
      message: { attachment: { type: attachment.type, payload: attachmentPayload(attachment) } },
    },
    classes: ['media'],
    duplicateRisk: true,
    attachmentTypes: [attachment.type],
  };
}

/** Up to 10 images in one message (`message.attachments[]`). */
export function buildImages(recipientId: string, images: readonly AttachmentSource[]): BuiltSend {
  if (!Array.isArray(images) || images.length < 1 || images.length > 10) {
    throw bad('between 1 and 10 images are allowed per message');
  }
  return {
    kind: 'attachment',
    body: {
      ...to(recipientId),
      message: { attachments: images.map((image) => ({ type: 'image', payload: attachmentPayload(image) })) },
    },
    classes: ['media'],
    duplicateRisk: true,
    attachmentTypes: images.map(() => 'image'),
  };
}

/** Text with up to 13 quick replies. */
export function buildQuickReplies(
  recipientId: string,
  text: string,
  replies: readonly QuickReply[],
): BuiltSend {
  const t = requireText(text);
  if (!Array.isArray(replies) || replies.length < 1 || replies.length > 13) {
    throw bad('between 1 and 13 quick replies are allowed');
  }
  const quick_replies = replies.map((r) => {
    if (typeof r.title !== 'string' || r.title.trim() === '' || [...r.title].length > 20) {
      throw bad('quick reply titles must be 1–20 characters');
    }
    if (typeof r.payload !== 'string' || r.payload === '' || r.payload.length > 1000) {
      throw bad('quick reply payloads must be 1–1000 characters');
    }
    return { content_type: 'text', title: r.title, payload: r.payload };
  });
  return {
    kind: 'quick_replies',
    body: { ...to(recipientId), message: { text: t, quick_replies } },
    classes: ['text'],
    duplicateRisk: true,
    text: t,
  };
}

/** A generic template (carousel of up to 10 cards, each with up to 3 buttons). */
export function buildGenericTemplate(
  recipientId: string,
  elements: readonly GenericTemplateElement[],
): BuiltSend {
  if (!Array.isArray(elements) || elements.length < 1 || elements.length > 10) {
    throw bad('a generic template needs 1 to 10 elements');
  }
  const built = elements.map((e) => {
    if (typeof e.title !== 'string' || e.title.trim() === '' || [...e.title].length > 80) {
      throw bad('template element titles must be 1–80 characters');
    }
    if (e.subtitle !== undefined && [...e.subtitle].length > 80)
      throw bad('template subtitles must be ≤ 80 characters');
    const buttons: readonly TemplateButton[] = e.buttons ?? [];
    if (buttons.length > 3) throw bad('a template element allows at most 3 buttons');
    return {
      title: e.title,
      ...(e.subtitle !== undefined ? { subtitle: e.subtitle } : {}),
      ...(e.imageUrl !== undefined ? { image_url: requireUrl(e.imageUrl, 'imageUrl') } : {}),
      ...(e.defaultActionUrl !== undefined
        ? { default_action: { type: 'web_url', url: requireUrl(e.defaultActionUrl, 'defaultActionUrl') } }
        : {}),
      ...(buttons.length > 0
        ? {
            buttons: buttons.map((b: TemplateButton) =>
              b.type === 'web_url'
                ? { type: 'web_url', title: b.title, url: requireUrl(b.url, 'button url') }
                : { type: 'postback', title: b.title, payload: b.payload },
            ),
          }
        : {}),
    };
  });
  return {
    kind: 'template',
    body: {
      ...to(recipientId),
      message: { attachment: { type: 'template', payload: { template_type: 'generic', elements: built } } },
    },
    classes: ['text'],
    duplicateRisk: true,
    attachmentTypes: ['template'],
  };
}

/** React to a message (`reaction` defaults to `love`; any emoji is accepted) or remove the reaction. */
export function buildReaction(
  recipientId: string,
  messageId: string,
  action: 'react' | 'unreact',
  reaction = 'love',
): BuiltSend {
  const mid = requireId(messageId, 'message id');
  if (action === 'react' && (typeof reaction !== 'string' || reaction.trim() === '')) {
    throw bad('reaction is required');
  }
  const payload = action === 'react' ? { message_id: mid, reaction } : { message_id: mid };
  return {
    kind: 'reaction',
    body: { ...to(recipientId), sender_action: action, payload },
    classes: ['text'],
    duplicateRisk: false,
  };
}

/** `typing_on`, `typing_off` or `mark_seen`. */
export function buildSenderAction(recipientId: string, action: SenderAction): BuiltSend {
  if (action !== 'typing_on' && action !== 'typing_off' && action !== 'mark_seen') {
    throw bad('sender action must be typing_on, typing_off or mark_seen');
  }
  return {
    kind: 'sender_action',
    body: { ...to(recipientId), sender_action: action },
    classes: ['text'],
    duplicateRisk: false,
  };
}

/** A private reply to a comment: `{recipient:{comment_id}, message:{text}}`. */
export function buildPrivateReply(commentId: string, text: string): BuiltSend {
  const id = requireId(commentId, 'comment id');
  const t = requireText(text);
  return {
    kind: 'private_reply',
    body: { recipient: { comment_id: id }, message: { text: t } },
    classes: ['private_reply', 'text'],
    duplicateRisk: true,
    text: t,
  };
}
