import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendHashtags,
  CAPTION_LIMITS,
  captionLength,
  findHashtags,
  findMentions,
  normalizeHashtag,
  prepareCaption,
} from '../../src/publishing/captions.js';

describe('appendHashtags', () => {
  it('appends after a blank line as space-separated #tag words', () => {
    expect(appendHashtags('Hello world', ['summer', 'beach'])).toBe('Hello world\n\n#summer #beach');
  });

  it('does not double a leading # and drops case-insensitive duplicates (first spelling wins)', () => {
    expect(appendHashtags('Hi', ['#Sun', 'sun', '##SUN', 'sea', '#sea'])).toBe('Hi\n\n#Sun #sea');
  });

  it('drops tags already present in the caption', () => {
    expect(appendHashtags('Day at the #Beach', ['beach', 'waves'])).toBe('Day at the #Beach\n\n#waves');
  });

  it('returns only the tags when there is no caption, and the caption unchanged when there are no tags', () => {
    expect(appendHashtags(undefined, ['a', 'b'])).toBe('#a #b');
    expect(appendHashtags('', ['a'])).toBe('#a');
    expect(appendHashtags('Plain', [])).toBe('Plain');
    expect(appendHashtags(undefined, [])).toBeUndefined();
    expect(appendHashtags('Plain', ['#', '  '])).toBe('Plain');
  });

  it('trims trailing whitespace of the caption before the blank line', () => {
    expect(appendHashtags('Text  \n', ['x'])).toBe('Text\n\n#x');
  });

  it('normalises whitespace inside a tag', () => {
    expect(normalizeHashtag('##Summer Sale')).toBe('SummerSale');
  });

  it('property: every tag appears exactly once, with a single #', () => {
    const tag = fc.stringMatching(/^#{0,2}[A-Za-z0-9_]{1,12}$/);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).map((s) => s.replace(/[#@]/g, '')),
        fc.array(tag, { maxLength: 15 }),
        (caption, tags) => {
          const out = appendHashtags(caption, tags) ?? '';
          const found = findHashtags(out).map((t) => t.toLowerCase());
          const expected = new Set(tags.map((t) => normalizeHashtag(t).toLowerCase()));
          expect(new Set(found)).toEqual(expected);
          expect(found.length).toBe(expected.size);
          expect(out).not.toMatch(/##/);
        },
      ),
    );
  });
});

describe('counting', () => {
  it('counts hashtags and mentions but not e-mail addresses or URL fragments', () => {
    expect(findHashtags('#a b#c #d_e #1 x')).toEqual(['a', 'd_e', '1']);
    expect(findMentions('@alice hi bob@example.com (@carol.s) @')).toEqual(['alice', 'carol.s']);
  });

  it('counts characters as code points (an emoji is one character)', () => {
    expect(captionLength('😀a')).toBe(2);
  });
});

describe('prepareCaption limits', () => {
  it('accepts exactly 2,200 characters and refuses 2,201', () => {
    expect(prepareCaption('x'.repeat(2200)).ok).toBe(true);
    const r = prepareCaption('x'.repeat(2201));
    expect(r).toMatchObject({ ok: false, reason: 'too_long', details: { chars: 2201, limit: 2200 } });
  });

  it('counts the appended hashtags toward the character limit', () => {
    const r = prepareCaption('x'.repeat(2195), ['abc']);
    expect(r).toMatchObject({ ok: false, reason: 'too_long' });
  });

  it('accepts 30 hashtags and refuses 31, counting tags from caption and list together', () => {
    const tags = Array.from({ length: 30 }, (_, i) => `t${i}`);
    expect(prepareCaption('hi', tags)).toMatchObject({ ok: true, hashtags: 30 });
    expect(prepareCaption('hi #extra', tags)).toMatchObject({ ok: false, reason: 'too_many_hashtags' });
  });

  it('accepts 20 mentions and refuses 21', () => {
    const m = (n: number) => Array.from({ length: n }, (_, i) => `@user${i}`).join(' ');
    expect(prepareCaption(m(20))).toMatchObject({ ok: true, mentions: 20 });
    expect(prepareCaption(m(21))).toMatchObject({
      ok: false,
      reason: 'too_many_mentions',
      details: { mentions: 21 },
    });
  });

  it('property: ok results never exceed any limit; refusals always exceed one', () => {
    const word = fc.oneof(
      fc.stringMatching(/^[a-z]{1,8}$/),
      fc.stringMatching(/^#[a-z]{1,6}$/),
      fc.stringMatching(/^@[a-z]{1,6}$/),
    );
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 80 }),
        fc.array(fc.stringMatching(/^[a-z]{1,6}$/), { maxLength: 40 }),
        (words, tags) => {
          const r = prepareCaption(words.join(' '), tags);
          if (r.ok) {
            const text = r.caption ?? '';
            expect(captionLength(text)).toBeLessThanOrEqual(CAPTION_LIMITS.maxChars);
            expect(findHashtags(text).length).toBeLessThanOrEqual(CAPTION_LIMITS.maxHashtags);
            expect(findMentions(text).length).toBeLessThanOrEqual(CAPTION_LIMITS.maxMentions);
          } else {
            expect(r.details.limit).toBeGreaterThan(0);
            const value = {
              too_long: r.details.chars,
              too_many_hashtags: r.details.hashtags,
              too_many_mentions: r.details.mentions,
            }[r.reason];
            expect(value).toBeGreaterThan(r.details.limit);
          }
        },
      ),
    );
  });
});
