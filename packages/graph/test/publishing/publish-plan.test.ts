import { describe, expect, it } from 'vitest';
import { PublishFailure } from '../../src/publishing/publish-errors.js';
import { planPublish } from '../../src/publishing/publish-plan.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof PublishFailure ? e.info.code : 'other';
  }
  return undefined;
}

describe('planPublish', () => {
  it('feed image → IMAGE with caption and alt text; feed video → REELS', () => {
    expect(
      planPublish({
        kind: 'feed',
        content: { mediaUrls: ['https://x/a.jpg'], caption: 'c', altText: 'alt' },
      }),
    ).toMatchObject({
      kind: 'IMAGE',
      parent: { image_url: 'https://x/a.jpg', caption: 'c', alt_text: 'alt' },
      preflight: [{ target: 'feed_image' }],
    });
    expect(planPublish({ kind: 'feed', content: { mediaUrls: ['https://x/a.mov'] } })).toMatchObject({
      kind: 'REELS',
      parent: { media_type: 'REELS', video_url: 'https://x/a.mov', share_to_feed: true },
      productType: 'REELS',
    });
  });

  it('carousel children carry no caption; the parent does', () => {
    const p = planPublish({
      kind: 'carousel',
      content: { mediaUrls: ['https://x/1.jpg', 'https://x/2.mp4'], caption: 'c', hashtags: ['t'] },
    });
    expect(p.children.map((c) => c.params)).toEqual([
      { image_url: 'https://x/1.jpg', is_carousel_item: true },
      { media_type: 'VIDEO', video_url: 'https://x/2.mp4', is_carousel_item: true },
    ]);
    expect(p.parent).toEqual({ media_type: 'CAROUSEL', caption: 'c\n\n#t' });
    expect(p.preflight.map((x) => x.target)).toEqual(['carousel_image', 'carousel_video']);
  });

  it('stories send no caption and honour the requested media kind', () => {
    expect(
      planPublish({
        kind: 'story',
        storyMedia: 'video',
        content: { mediaUrls: ['https://x/s'], caption: 'ignored' },
      }).parent,
    ).toEqual({
      media_type: 'STORIES',
      video_url: 'https://x/s',
    });
  });

  it('uploads use upload_type=resumable instead of a URL', () => {
    const p = planPublish({ kind: 'reel', content: { mediaUrls: [] }, upload: { data: new Uint8Array(1) } });
    expect(p.parent).toMatchObject({ media_type: 'REELS', upload_type: 'resumable' });
    expect(p.parent).not.toHaveProperty('video_url');
    expect(p.preflight).toEqual([]);
  });

  it('refuses bad input with typed codes', () => {
    expect(code(() => planPublish({ kind: 'feed', content: { mediaUrls: [] } }))).toBe('NO_MEDIA');
    expect(code(() => planPublish({ kind: 'carousel', content: { mediaUrls: [] } }))).toBe(
      'INVALID_CAROUSEL',
    );
    expect(code(() => planPublish({ kind: 'carousel', content: { mediaUrls: ['https://x/1.jpg'] } }))).toBe(
      'INVALID_CAROUSEL',
    );
    expect(
      code(() =>
        planPublish({ kind: 'reel', content: { mediaUrls: ['https://x/v.mp4'], caption: '@a '.repeat(21) } }),
      ),
    ).toBe('INVALID_CAPTION');
    expect(
      code(() =>
        planPublish({
          kind: 'story',
          content: { mediaUrls: ['https://x/s.jpg'], caption: 'x'.repeat(3000) },
        }),
      ),
    ).toBeUndefined();
  });
});
