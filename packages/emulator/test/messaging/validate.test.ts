import { describe, expect, it } from 'vitest';
import { type SendRequest, validateSendBody } from '../../src/messaging/validate.js';

function ok(body: Record<string, unknown>): SendRequest {
  const r = validateSendBody(body);
  if (!r.ok) throw new Error(`expected valid, got ${r.error.message}`);
  return r.value;
}

function err(body: Record<string, unknown>) {
  const r = validateSendBody(body);
  if (r.ok) throw new Error('expected an error');
  return {
    code: r.error.spec.code,
    subcode: r.error.spec.subcode,
    status: r.error.status,
    message: r.error.message,
  };
}

const to = { id: '6000001' };

describe('validateSendBody', () => {
  it('accepts a text message and classifies it as text', () => {
    const v = ok({ recipient: to, message: { text: 'hi' } });
    expect(v).toEqual({
      recipient: { kind: 'id', id: '6000001' },
      action: { kind: 'message', message: { text: 'hi', attachments: [], quickReplies: [] } },
      rateClass: 'text',
    });
  });

  it('accepts form-encoded bodies whose values are JSON strings', () => {
    const v = ok({
      recipient: JSON.stringify(to),
      message: JSON.stringify({ text: 'hi' }),
      messaging_type: 'RESPONSE',
    });
    expect(v.recipient).toEqual({ kind: 'id', id: '6000001' });
    expect(v.messagingType).toBe('RESPONSE');
    expect(err({ recipient: '{not json', message: '{"text":"x"}' })).toMatchObject({
      code: 100,
      status: 400,
    });
  });

  it('requires exactly one of recipient id / comment_id', () => {
    expect(err({ message: { text: 'x' } }).message).toContain('recipient');
    expect(err({ recipient: {}, message: { text: 'x' } }).code).toBe(100);
    expect(err({ recipient: { id: '1', comment_id: '2' }, message: { text: 'x' } }).code).toBe(100);
    expect(ok({ recipient: { comment_id: '179' }, message: { text: 'x' } }).recipient).toEqual({
      kind: 'comment',
      commentId: '179',
    });
  });

  it('requires exactly one of message / sender_action', () => {
    expect(err({ recipient: to }).code).toBe(100);
    expect(err({ recipient: to, message: { text: 'x' }, sender_action: 'typing_on' }).code).toBe(100);
    expect(ok({ recipient: to, sender_action: 'typing_on' }).action).toEqual({
      kind: 'sender_action',
      action: 'typing_on',
    });
    expect(err({ recipient: to, sender_action: 'dance' }).code).toBe(100);
  });

  it('limits text to 1000 UTF-8 bytes, not characters', () => {
    expect(ok({ recipient: to, message: { text: 'a'.repeat(1000) } }).action.kind).toBe('message');
    expect(err({ recipient: to, message: { text: 'a'.repeat(1001) } })).toMatchObject({
      code: 100,
      status: 400,
    });
    // 500 two-byte characters = 1000 bytes: fine; 334 three-byte characters = 1002 bytes: rejected.
    expect(ok({ recipient: to, message: { text: 'é'.repeat(500) } }).action.kind).toBe('message');
    expect(err({ recipient: to, message: { text: '€'.repeat(334) } }).code).toBe(100);
    expect('€'.repeat(334).length).toBeLessThan(1000);
    expect(err({ recipient: to, message: { text: '' } }).code).toBe(100);
  });

  it('allows up to 10 images in attachments and rejects non-images there', () => {
    const img = { type: 'image', payload: { url: 'https://cdn.test/a.jpg' } };
    const v = ok({ recipient: to, message: { attachments: Array(10).fill(img) } });
    expect(v.rateClass).toBe('media');
    expect(err({ recipient: to, message: { attachments: Array(11).fill(img) } }).code).toBe(100);
    expect(
      err({
        recipient: to,
        message: { attachments: [{ type: 'video', payload: { url: 'https://cdn.test/v.mp4' } }] },
      }).code,
    ).toBe(100);
    expect(ok({ recipient: to, message: { attachments: img } }).action.kind).toBe('message');
  });

  it('knows the attachment types and their payloads', () => {
    for (const type of ['audio', 'video', 'file', 'image']) {
      expect(
        ok({ recipient: to, message: { attachment: { type, payload: { url: 'https://cdn.test/x' } } } })
          .rateClass,
      ).toBe('media');
      expect(
        ok({ recipient: to, message: { attachment: { type, payload: { attachment_id: '42' } } } }).rateClass,
      ).toBe('media');
    }
    expect(ok({ recipient: to, message: { attachment: { type: 'like_heart' } } }).rateClass).toBe('text');
    expect(
      ok({ recipient: to, message: { attachment: { type: 'MEDIA_SHARE', payload: { id: '1800' } } } })
        .rateClass,
    ).toBe('text');
    expect(
      ok({
        recipient: to,
        message: { attachment: { type: 'template', payload: { template_type: 'generic', elements: [] } } },
      }).rateClass,
    ).toBe('text');
    expect(err({ recipient: to, message: { attachment: { type: 'sticker', payload: {} } } }).code).toBe(100);
    expect(
      err({ recipient: to, message: { attachment: { type: 'media_share', payload: { id: '1' } } } }).code,
    ).toBe(100);
    expect(
      err({ recipient: to, message: { attachment: { type: 'image', payload: { url: 'not a url' } } } }).code,
    ).toBe(100);
    expect(err({ recipient: to, message: { attachment: { type: 'image', payload: {} } } }).code).toBe(100);
    expect(
      err({
        recipient: to,
        message: { attachment: { type: 'template', payload: { template_type: 'receipt' } } },
      }).code,
    ).toBe(100);
    expect(
      err({
        recipient: to,
        message: { attachment: { type: 'image', payload: { url: 'https://unreachable.invalid/a.jpg' } } },
      }),
    ).toMatchObject({ code: 100, subcode: 2018008 });
    expect(err({ recipient: to, message: { text: 'x', attachment: { type: 'like_heart' } } }).code).toBe(100);
  });

  it('requires messaging_type MESSAGE_TAG for a tag, and only HUMAN_AGENT', () => {
    expect(err({ recipient: to, message: { text: 'x' }, tag: 'HUMAN_AGENT' }).code).toBe(100);
    expect(err({ recipient: to, message: { text: 'x' }, messaging_type: 'MESSAGE_TAG' }).code).toBe(100);
    expect(
      err({ recipient: to, message: { text: 'x' }, messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' })
        .code,
    ).toBe(100);
    expect(err({ recipient: to, message: { text: 'x' }, messaging_type: 'PROMO' }).code).toBe(100);
    expect(
      ok({ recipient: to, message: { text: 'x' }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }).tag,
    ).toBe('HUMAN_AGENT');
  });

  it('allows at most 13 quick replies with a title of at most 20 characters', () => {
    const qr = { content_type: 'text', title: 'Yes', payload: 'Y' };
    expect(
      ok({ recipient: to, message: { text: 'q', quick_replies: Array(13).fill(qr) } }).action,
    ).toMatchObject({ message: { quickReplies: Array(13).fill(qr) } });
    expect(err({ recipient: to, message: { text: 'q', quick_replies: Array(14).fill(qr) } }).code).toBe(100);
    expect(
      err({ recipient: to, message: { text: 'q', quick_replies: [{ ...qr, title: 'x'.repeat(21) }] } }).code,
    ).toBe(100);
    expect(
      err({ recipient: to, message: { attachment: { type: 'like_heart' }, quick_replies: [qr] } }).code,
    ).toBe(100);
  });

  it('validates react / unreact payloads', () => {
    expect(
      ok({ recipient: to, sender_action: 'react', payload: { message_id: 'mid.1', reaction: 'love' } })
        .action,
    ).toEqual({ kind: 'reaction', action: 'react', mid: 'mid.1', reaction: 'love' });
    expect(
      ok({ recipient: to, sender_action: 'unreact', payload: JSON.stringify({ message_id: 'mid.1' }) })
        .action,
    ).toEqual({ kind: 'reaction', action: 'unreact', mid: 'mid.1' });
    expect(err({ recipient: to, sender_action: 'react', payload: { message_id: 'mid.1' } }).code).toBe(100);
    expect(err({ recipient: to, sender_action: 'unreact' }).code).toBe(100);
  });

  it('restricts private replies to text messages', () => {
    expect(err({ recipient: { comment_id: '1' }, sender_action: 'typing_on' }).code).toBe(100);
    expect(
      err({ recipient: { comment_id: '1' }, message: { attachment: { type: 'like_heart' } } }).code,
    ).toBe(100);
  });
});
