/**
 * Caption assembly and Meta's caption limits.
 *
 * Meta refuses captions over 2,200 characters, with more than 30 hashtags or more than 20 @-mentions
 * (error 36004/2207010, 100/2207040). We check the *final* caption (text + appended hashtags) before any call.
 */

/** Meta's documented caption limits. */
export const CAPTION_LIMITS = Object.freeze({ maxChars: 2200, maxHashtags: 30, maxMentions: 20 });

/** Why a caption was refused. */
export type CaptionProblem = 'too_long' | 'too_many_hashtags' | 'too_many_mentions';

/** Result of {@link prepareCaption}: the final caption, or the first limit it breaks. */
export type CaptionCheck =
  | { ok: true; caption: string | undefined; hashtags: number; mentions: number; chars: number }
  | {
      ok: false;
      reason: CaptionProblem;
      message: string;
      details: { chars: number; hashtags: number; mentions: number; limit: number };
    };

// A hashtag starts at the beginning or after a character that cannot be part of a word, then letters/digits/_.
const HASHTAG_RE = /(^|[^\p{L}\p{N}_&#])#([\p{L}\p{N}_]+)/gu;
// A mention: '@' not preceded by a word character or '.' (so e-mail addresses do not count), then a username.
const MENTION_RE = /(^|[^\p{L}\p{N}_.@])@([A-Za-z0-9_](?:[A-Za-z0-9._]*[A-Za-z0-9_])?)/gu;

/** Character count the way a person counts it: Unicode code points, not UTF-16 units. */
export function captionLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Every hashtag occurrence in `text` (without the `#`), in order. Repeats are kept. */
export function findHashtags(text: string): string[] {
  return Array.from(text.matchAll(HASHTAG_RE), (m) => m[2] ?? '');
}

/** Every @-mention occurrence in `text` (without the `@`), in order. Repeats are kept. */
export function findMentions(text: string): string[] {
  return Array.from(text.matchAll(MENTION_RE), (m) => m[2] ?? '');
}

/**
 * Normalises one hashtag: strips leading `#`s and all whitespace. Returns `''` when nothing is left.
 * @example normalizeHashtag('##Summer Sale') === 'SummerSale'
 */
export function normalizeHashtag(tag: string): string {
  return tag.replace(/\s+/gu, '').replace(/^#+/u, '');
}

/**
 * Appends `hashtags` to `caption` after a blank line, as `#tag` words separated by single spaces.
 * A leading `#` is not doubled; empty tags are dropped; duplicates are dropped case-insensitively,
 * both within the list and against hashtags already present in the caption (first spelling wins).
 * Without hashtags the caption is returned unchanged; without a caption the result is just the tags.
 */
export function appendHashtags(
  caption: string | undefined,
  hashtags: readonly string[] = [],
): string | undefined {
  const base = caption ?? '';
  const seen = new Set(findHashtags(base).map((t) => t.toLowerCase()));
  const words: string[] = [];
  for (const raw of hashtags) {
    const tag = normalizeHashtag(raw);
    if (tag === '' || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    words.push(`#${tag}`);
  }
  if (words.length === 0) return caption;
  const tail = words.join(' ');
  const trimmed = base.replace(/\s+$/u, '');
  return trimmed === '' ? tail : `${trimmed}\n\n${tail}`;
}

/**
 * Builds the final caption and checks it against {@link CAPTION_LIMITS}. Hashtags and mentions are
 * counted per occurrence in the final text (conservative: Meta's counting rule is not documented).
 */
export function prepareCaption(caption: string | undefined, hashtags?: readonly string[]): CaptionCheck {
  const final = appendHashtags(caption, hashtags);
  const text = final ?? '';
  const chars = captionLength(text);
  const tags = findHashtags(text).length;
  const mentions = findMentions(text).length;
  const counts = { chars, hashtags: tags, mentions };
  if (chars > CAPTION_LIMITS.maxChars) {
    return {
      ok: false,
      reason: 'too_long',
      message: `Caption has ${chars} characters; Instagram allows at most ${CAPTION_LIMITS.maxChars}.`,
      details: { ...counts, limit: CAPTION_LIMITS.maxChars },
    };
  }
  if (tags > CAPTION_LIMITS.maxHashtags) {
    return {
      ok: false,
      reason: 'too_many_hashtags',
      message: `Caption has ${tags} hashtags; Instagram allows at most ${CAPTION_LIMITS.maxHashtags}.`,
      details: { ...counts, limit: CAPTION_LIMITS.maxHashtags },
    };
  }
  if (mentions > CAPTION_LIMITS.maxMentions) {
    return {
      ok: false,
      reason: 'too_many_mentions',
      message: `Caption has ${mentions} @-mentions; Instagram allows at most ${CAPTION_LIMITS.maxMentions}.`,
      details: { ...counts, limit: CAPTION_LIMITS.maxMentions },
    };
  }
  return { ok: true, caption: final, chars, hashtags: tags, mentions };
}
