/**
 * Instagram content-publishing error catalogue (code, subcode, message) as the emulator emits it.
 * Source: https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/error-codes
 */
import { type GraphError, graphError } from '../core/errors.js';
import type { Outcome } from './store.js';

/** subcode → [code, message]. */
export const MEDIA_ERRORS: Record<number, readonly [number, string]> = {
  2207001: [-1, 'Instagram server error: please try again.'],
  2207003: [-2, 'It took too long to download the media.'],
  2207004: [36000, 'The image is too large to download. It should be less than 8 MiB.'],
  2207005: [36001, 'The image format is not supported. Only JPEG is supported.'],
  2207006: [24, 'The media could not be found.'],
  2207008: [24, 'The media builder does not exist or has expired.'],
  2207009: [36003, 'The aspect ratio is not supported. It must be between 4:5 and 1.91:1.'],
  2207010: [36004, 'The caption is too long: at most 2,200 characters, 30 hashtags and 20 @ tags.'],
  2207020: [-2, 'The media container has expired. Create a new container.'],
  2207023: [100, 'The media type is not supported.'],
  2207026: [352, 'The video format is not supported. Please check the spec for supported video formats.'],
  2207027: [9007, 'Media ID is not available'],
  2207028: [100, 'The carousel must have between 2 and 10 items.'],
  2207032: [-1, 'Failed to create the media container. Please try again.'],
  2207040: [100, 'Too many @ tags: at most 20 are allowed.'],
  2207042: [9, 'The account has reached its daily publishing limit.'],
  2207052: [9004, 'The media could not be fetched from this uri.'],
  2207053: [-1, 'An unknown error occurred while uploading the video.'],
  2207057: [1, 'The thumbnail offset must be between 0 and the video duration (ms).'],
};

/** The Graph error for a subcode (optional message detail appended). */
export function mediaError(
  subcode: number,
  detail?: string,
  extra?: { userTitle?: string; userMessage?: string },
): GraphError {
  const [code, message] = MEDIA_ERRORS[subcode] ?? [-1, 'An unknown error occurred.'];
  return graphError({
    code,
    subcode,
    message: join(message, detail),
    isTransient: code === -1 || subcode === 2207003,
    ...(extra ?? {}),
  });
}

/** A container outcome that ends in ERROR with a subcode. */
export function errorOutcome(subcode: number, detail?: string): Outcome {
  const [code, message] = MEDIA_ERRORS[subcode] ?? [-1, 'An unknown error occurred.'];
  return { kind: 'error', code, subcode, message: join(message, detail) };
}

function join(message: string, detail: string | undefined): string {
  if (detail === undefined) return message;
  return /[.!?]$/.test(message) ? `${message} ${detail}` : `${message}: ${detail}`;
}
