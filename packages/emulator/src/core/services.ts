/**
 * Cross-module services: small read interfaces one module implements and others use lazily
 * (at request time, so init order does not matter). Add a key here when a new module offers one.
 */

/** A published media object as other modules see it. */
export interface MediaView {
  id: string;
  igUserId: string;
  /** `IMAGE`, `VIDEO` or `CAROUSEL_ALBUM` (reels report `VIDEO`). */
  mediaType: 'IMAGE' | 'VIDEO' | 'CAROUSEL_ALBUM';
  /** `FEED`, `REELS` or `STORY`. */
  mediaProductType: 'FEED' | 'REELS' | 'STORY';
  caption?: string;
  /** Publish time, epoch ms. */
  timestamp: number;
  permalink: string;
  shortcode: string;
  /** True for carousel children (they have ids but are not posts). */
  isCarouselChild: boolean;
}

/** How long a story is live after publishing: listed on `/stories`, answered by insights. */
export const STORY_LIFETIME_MS = 24 * 3600_000;

/** Published media lookup (implemented by the publishing module). */
export interface MediaDirectory {
  get(mediaId: string): MediaView | undefined;
  /** Published media of an account, newest first (carousel children excluded). */
  ofAccount(igUserId: string): MediaView[];
}

/** Comment counts per media (implemented by the messaging module, if present). */
export interface CommentDirectory {
  count(mediaId: string): number;
}

/** The registry; every entry optional. Modules assign in `init`, read at request time. */
export interface EmulatorServices {
  media?: MediaDirectory;
  comments?: CommentDirectory;
}
