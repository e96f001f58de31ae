/**
 * Meta's media limits (reference §3) and the pure checks against them.
 * Only documented limits are enforced; "recommended" values (9:16, 1080 px …) are not.
 */
import type { Dimensions, SniffedFormat } from './image-header.js';
import type { Mp4Info } from './mp4-boxes.js';

/** Where a media file is going; decides which limits apply. */
export type MediaTarget =
  | 'feed_image'
  | 'carousel_image'
  | 'story_image'
  | 'reel_cover'
  | 'reel'
  | 'story_video'
  | 'carousel_video';

/** Precise preflight failure reasons (reported as `MEDIA_ERROR` with `details.reason`). */
export type MediaProblem =
  | 'invalid_url'
  | 'unsupported_scheme'
  | 'private_address'
  | 'dns_failure'
  | 'too_many_redirects'
  | 'unreachable'
  | 'timeout'
  | 'http_status'
  | 'unsupported_content_type'
  | 'unsupported_format'
  | 'too_large'
  | 'unreadable_header'
  | 'aspect_ratio'
  | 'too_wide'
  | 'duration'
  | 'codec'
  | 'moov_not_at_front';

const MB = 1024 * 1024;

/** Image limits: JPEG only, ≤ 8 MiB; feed/carousel images between 4:5 and 1.91:1. */
export const IMAGE_LIMITS = Object.freeze({
  maxBytes: 8 * MB,
  minAspect: 4 / 5,
  maxAspect: 1.91,
  formats: ['jpeg'] as const,
  contentTypes: ['image/jpeg', 'image/jpg', 'image/pjpeg'] as const,
});

const REEL_LIMITS = {
  maxBytes: 300 * MB,
  minSec: 3,
  maxSec: 15 * 60,
  minAspect: 0.01,
  maxAspect: 10,
  maxWidth: 1920,
};

/** Video limits per target (MOV/MP4, H.264 or HEVC, ≤ 1920 px wide). */
export const VIDEO_LIMITS = Object.freeze({
  reel: REEL_LIMITS,
  story_video: { maxBytes: 100 * MB, minSec: 3, maxSec: 60, minAspect: 0.1, maxAspect: 10, maxWidth: 1920 },
  // Carousel video children: Meta's current page gives no separate limits; reel limits are used.
  carousel_video: REEL_LIMITS,
  codecs: ['avc1', 'avc3', 'hvc1', 'hev1'] as const,
  contentTypes: ['video/mp4', 'video/quicktime', 'application/mp4'] as const,
});

/** A failed check. */
export interface LimitFailure {
  reason: MediaProblem;
  message: string;
  details?: Record<string, unknown>;
}

/** True for image targets. */
export function isImageTarget(t: MediaTarget): boolean {
  return t === 'feed_image' || t === 'carousel_image' || t === 'story_image' || t === 'reel_cover';
}

/** Checks a declared content type (media type only, parameters ignored). Missing headers pass. */
export function checkContentType(
  target: MediaTarget,
  contentType: string | null | undefined,
): LimitFailure | undefined {
  if (!contentType) return undefined;
  const ct = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (ct === 'application/octet-stream' || ct === 'binary/octet-stream') return undefined;
  const allowed: readonly string[] = isImageTarget(target)
    ? IMAGE_LIMITS.contentTypes
    : VIDEO_LIMITS.contentTypes;
  if (allowed.includes(ct)) return undefined;
  return {
    reason: 'unsupported_content_type',
    message: `Media is served as ${ct}; ${isImageTarget(target) ? 'Instagram accepts only JPEG images' : 'Instagram accepts MP4/MOV video'}.`,
    details: { contentType: ct },
  };
}

/** Checks a byte size. */
export function checkSize(target: MediaTarget, bytes: number | undefined): LimitFailure | undefined {
  if (bytes === undefined || !Number.isFinite(bytes)) return undefined;
  const max = isImageTarget(target) ? IMAGE_LIMITS.maxBytes : VIDEO_LIMITS[target as 'reel'].maxBytes;
  if (bytes <= max) return undefined;
  return {
    reason: 'too_large',
    message: `Media is ${bytes} bytes; the limit is ${max}.`,
    details: { bytes, maxBytes: max },
  };
}

/** Checks an image's sniffed format and dimensions. */
export function checkImage(
  target: MediaTarget,
  format: SniffedFormat,
  size: Dimensions | undefined,
  multiPicture = false,
): LimitFailure | undefined {
  if (format !== 'jpeg' || multiPicture) {
    return {
      reason: 'unsupported_format',
      message: `Image is ${multiPicture ? 'a multi-picture JPEG (MPO)' : format}; Instagram accepts only baseline JPEG.`,
      details: { format: multiPicture ? 'mpo' : format },
    };
  }
  if (!size || size.width === 0 || size.height === 0) {
    return { reason: 'unreadable_header', message: 'Could not read the image dimensions from its header.' };
  }
  // Aspect limits apply to feed and carousel images; stories and covers are centre-cropped by Instagram.
  if (target === 'feed_image' || target === 'carousel_image') {
    const ratio = size.width / size.height;
    if (ratio < IMAGE_LIMITS.minAspect - 1e-9 || ratio > IMAGE_LIMITS.maxAspect + 1e-9) {
      return {
        reason: 'aspect_ratio',
        message: `Image aspect ratio ${ratio.toFixed(3)} (${size.width}×${size.height}) is outside 4:5 to 1.91:1.`,
        details: { width: size.width, height: size.height, ratio },
      };
    }
  }
  return undefined;
}

/** Checks a video's container info against the target's limits. */
export function checkVideo(
  target: MediaTarget,
  format: SniffedFormat,
  info: Mp4Info,
): LimitFailure | undefined {
  if (format !== 'mp4' && format !== 'mov') {
    return {
      reason: 'unsupported_format',
      message: `Video is ${format}; Instagram accepts MP4 or MOV.`,
      details: { format },
    };
  }
  if (info.moovFirst === false) {
    return {
      reason: 'moov_not_at_front',
      message:
        'The video’s moov atom comes after the media data; Instagram needs it at the front (faststart).',
    };
  }
  if (!info.moovComplete || info.durationSec === undefined) {
    return {
      reason: 'unreadable_header',
      message: 'Could not read the video’s moov box (duration, size, codec).',
    };
  }
  const lim = VIDEO_LIMITS[target as 'reel'] ?? VIDEO_LIMITS.reel;
  if (info.durationSec < lim.minSec || info.durationSec > lim.maxSec) {
    return {
      reason: 'duration',
      message: `Video lasts ${info.durationSec.toFixed(1)} s; allowed ${lim.minSec}–${lim.maxSec} s.`,
      details: { durationSec: info.durationSec, minSec: lim.minSec, maxSec: lim.maxSec },
    };
  }
  const codecs: readonly string[] = VIDEO_LIMITS.codecs;
  if (!info.codec || !codecs.includes(info.codec)) {
    return {
      reason: 'codec',
      message: `Video codec ${info.codec ?? 'unknown'} is not H.264 or HEVC.`,
      details: { codec: info.codec ?? null },
    };
  }
  if (info.width && info.height) {
    if (info.width > lim.maxWidth) {
      return {
        reason: 'too_wide',
        message: `Video is ${info.width} px wide; at most ${lim.maxWidth}.`,
        details: { width: info.width },
      };
    }
    const ratio = info.width / info.height;
    if (ratio < lim.minAspect || ratio > lim.maxAspect) {
      return {
        reason: 'aspect_ratio',
        message: `Video aspect ratio ${ratio.toFixed(3)} is outside ${lim.minAspect}–${lim.maxAspect}.`,
        details: { width: info.width, height: info.height, ratio },
      };
    }
  }
  return undefined;
}
