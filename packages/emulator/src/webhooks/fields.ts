/**
 * Webhook field names for object `instagram` (both login flavours) and parsing of the `fields` /
 * `subscribed_fields` parameters (comma list, array, or JSON array string).
 * https://developers.facebook.com/docs/instagram-platform/webhooks
 */
import { invalidParameter } from '../core/errors.js';

export const INSTAGRAM_FIELDS: ReadonlySet<string> = new Set([
  'comments',
  'live_comments',
  'mentions',
  'messages',
  'message_echoes',
  'message_reactions',
  'messaging_handover',
  'messaging_optins',
  'messaging_policy_enforcement',
  'messaging_postbacks',
  'messaging_referral',
  'messaging_seen',
  'response_feedback',
  'standby',
  'story_insights',
]);

/** Parses a field list parameter; throws Meta's code-100 error for a missing or unknown name. */
export function parseFields(value: unknown, param: string): string[] {
  let list: unknown = value;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('[')) {
      try {
        list = JSON.parse(t);
      } catch {
        throw invalidParameter(`param ${param} must be a list of field names`);
      }
    } else list = t.split(',');
  }
  if (!Array.isArray(list)) throw invalidParameter(`The parameter ${param} is required`);
  const names = list
    .map((f) =>
      typeof f === 'string'
        ? f.trim()
        : typeof f === 'object' && f !== null
          ? String((f as { name?: unknown }).name ?? '')
          : '',
    )
    .filter((f) => f !== '');
  if (names.length === 0) throw invalidParameter(`The parameter ${param} is required`);
  for (const n of names) {
    if (!INSTAGRAM_FIELDS.has(n))
      throw invalidParameter(
        `Param ${param}[] must be one of {${[...INSTAGRAM_FIELDS].join(', ')}} - got "${n}"`,
      );
  }
  return [...new Set(names)];
}

/** Whether an app subscribed to `fields` receives an update of `field` (echoes ride on `messages`). */
export function fieldMatches(fields: readonly string[], field: string, isEcho: boolean): boolean {
  if (fields.includes(field)) return true;
  return isEcho && field === 'messages' && fields.includes('message_echoes');
}
