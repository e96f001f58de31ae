/**
 * Media spec checks (what Meta finds after downloading a file). Images are checked while the
 * container is created (synchronous errors); videos while processing (container ends in ERROR
 * with the subcode in `status`).
 * Source: https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/media
 */
import type { GraphError } from '../core/errors.js';
import { errorOutcome, mediaError } from './media-errors.js';
import type { MediaProps } from './media-url.js';
import type { ContainerKind, Outcome } from './store.js';

const MIB = 1024 * 1024;
/** Image limit: 8 MiB. */
export const IMAGE_MAX_BYTES = 8 * MIB;
const VIDEO_FORMATS = new Set(['mp4', 'mov', 'quicktime']);
const VIDEO_CODECS = new Set(['h264', 'avc', 'avc1', 'hevc', 'h265', 'hvc1']);

/** Feed aspect ratio range (4:5 … 1.91:1). */
export const MIN_ASPECT = 0.8;
export const MAX_ASPECT = 1.91;

/** Checks a downloaded image; returns the synchronous error, if any. */
export function checkImage(props: MediaProps, feed: boolean): GraphError | undefined {
  if (props.unreachable) return mediaError(2207052);
  if (props.format !== 'jpeg') return mediaError(2207005, `Got ${props.format}.`);
  if (props.sizeBytes > IMAGE_MAX_BYTES) return mediaError(2207004);
  if (feed) {
    const ratio = props.width / props.height;
    if (!(ratio >= MIN_ASPECT - 1e-9 && ratio <= MAX_ASPECT + 1e-9))
      return mediaError(2207009, `Got ${props.width}x${props.height}.`);
  }
  return undefined;
}

/** Per-kind video limits: [min s, max s, max bytes]. */
const VIDEO_LIMITS: Record<string, readonly [number, number, number]> = {
  REELS: [3, 15 * 60, 300 * MIB],
  STORIES: [3, 60, 100 * MIB],
  VIDEO: [3, 60, 100 * MIB],
};

/** Outcome of processing a video (`finish` when it meets the spec). */
export function videoOutcome(kind: ContainerKind, props: MediaProps, thumbOffsetMs?: number): Outcome {
  if (props.unreachable) return errorOutcome(2207052);
  if (!VIDEO_FORMATS.has(props.format)) return errorOutcome(2207026, `Got ${props.format}; use MOV or MP4.`);
  if (!VIDEO_CODECS.has(props.codec))
    return errorOutcome(2207026, `Got codec ${props.codec}; use H.264 or HEVC.`);
  const [minS, maxS, maxBytes] = VIDEO_LIMITS[kind] ?? VIDEO_LIMITS['REELS']!;
  if (props.durationSec < minS || props.durationSec > maxS)
    return errorOutcome(2207026, `Duration ${props.durationSec}s is outside ${minS}–${maxS}s.`);
  if (props.sizeBytes > maxBytes) return errorOutcome(2207026, `File is larger than ${maxBytes / MIB} MB.`);
  if (thumbOffsetMs !== undefined && thumbOffsetMs >= props.durationSec * 1000) return errorOutcome(2207057);
  return { kind: 'finish' };
}
