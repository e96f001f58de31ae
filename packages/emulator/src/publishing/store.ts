/**
 * Containers and published media, with status computed lazily from timestamps:
 * IN_PROGRESS → FINISHED | ERROR at `readyAt`, EXPIRED 24 h after creation, PUBLISHED once published.
 * Source: https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-container
 */
import type { MediaView } from '../core/services.js';
import type { MediaProps } from './media-url.js';

/** `media_type` a container was created with (carousel children: IMAGE or VIDEO + isCarouselItem). */
export type ContainerKind = 'IMAGE' | 'VIDEO' | 'REELS' | 'STORIES' | 'CAROUSEL';

/** Container status codes. */
export type StatusCode = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

/** How processing ends. */
export type Outcome =
  | { kind: 'finish' }
  | { kind: 'stuck' }
  | { kind: 'error'; code: number; subcode: number; message: string };

/** A media container. */
export interface Container {
  id: string;
  igUserId: string;
  kind: ContainerKind;
  isCarouselItem: boolean;
  media: 'image' | 'video' | 'carousel';
  caption?: string;
  children?: string[];
  url?: string;
  coverUrl?: string;
  thumbOffsetMs?: number;
  shareToFeed?: boolean;
  altText?: string;
  props?: MediaProps;
  createdAt: number;
  /** When processing ends; null while a resumable upload is incomplete. */
  readyAt: number | null;
  processMs: number;
  outcome: Outcome;
  upload?: { fileSize: number | null; offset: number; viaUrl?: string };
  publishedAt?: number;
  mediaId?: string;
}

/** A published media object. */
export interface Media extends MediaView {
  containerId: string;
  mediaUrl: string;
  thumbnailUrl?: string;
  children?: string[];
  parentId?: string;
  shareToFeed?: boolean;
  altText?: string;
}

/** A second (or later) publish of an already published container. */
export interface DuplicatePublish {
  containerId: string;
  igUserId: string;
  mediaId: string;
  attempts: number;
  lastAttemptAt: number;
}

/** A media object deleted with `DELETE /{ig-media-id}` (ground truth `state().deletedMedia`). */
export interface DeletedMedia {
  id: string;
  igUserId: string;
  containerId: string;
  mediaType: Media['mediaType'];
  mediaProductType: Media['mediaProductType'];
  /** Ids of the carousel children deleted with the album. */
  children?: string[];
  publishedAt: number;
  deletedAt: number;
}

/** Deleted-media records kept in ground truth (oldest dropped). */
export const DELETED_MEDIA_CAP = 1000;

/** 24 h container lifetime. */
export const CONTAINER_TTL_MS = 24 * 3600_000;
/** Containers (and their duplicate-publish records) are forgotten this long after creation (bounded memory). */
export const CONTAINER_FORGET_MS = 7 * 24 * 3600_000;

/** Status of a container at `now`. */
export function statusOf(c: Container, now: number): StatusCode {
  if (c.publishedAt !== undefined) return 'PUBLISHED';
  const expired = now >= c.createdAt + CONTAINER_TTL_MS;
  if (c.readyAt === null || now < c.readyAt || c.outcome.kind === 'stuck')
    return expired ? 'EXPIRED' : 'IN_PROGRESS';
  if (c.outcome.kind === 'error') return 'ERROR';
  return expired ? 'EXPIRED' : 'FINISHED';
}

/** The human `status` text that accompanies `status_code` (ERROR carries the subcode). */
export function statusText(c: Container, now: number): string {
  switch (statusOf(c, now)) {
    case 'PUBLISHED':
      return 'Published: Media has been published.';
    case 'EXPIRED':
      return 'Expired: Media container has expired (not published within 24 hours).';
    case 'IN_PROGRESS':
      return 'In Progress: Media is still being processed.';
    case 'FINISHED':
      return 'Finished: Media has been uploaded and it is ready to be published.';
    case 'ERROR': {
      const o = c.outcome as Extract<Outcome, { kind: 'error' }>;
      return `Error: Media upload has failed with error code ${o.subcode}`;
    }
  }
}

/** All publishing state of one emulator. */
export class PublishingStore {
  readonly containers = new Map<string, Container>();
  readonly media = new Map<string, Media>();
  /** igUserId → publish times (pruned to the quota window). */
  readonly publishes = new Map<string, number[]>();
  /** igUserId → container creation times (pruned to 24 h). */
  readonly creations = new Map<string, number[]>();
  readonly duplicates = new Map<string, DuplicatePublish>();
  /** igUserId → media ids newest first (posts and stories, no carousel children). */
  readonly byAccount = new Map<string, string[]>();
  /** Deleted media, oldest first (bounded by DELETED_MEDIA_CAP). */
  deleted: DeletedMedia[] = [];

  /** Times within `windowMs` before `now`, pruning older ones in place. */
  window(map: Map<string, number[]>, igUserId: string, now: number, windowMs: number): number[] {
    const list = map.get(igUserId) ?? [];
    let drop = 0;
    while (drop < list.length && list[drop]! <= now - windowMs) drop++;
    if (drop > 0) list.splice(0, drop);
    map.set(igUserId, list);
    return list;
  }

  /**
   * Forgets containers (published or not) created more than CONTAINER_FORGET_MS ago, with their
   * duplicate-publish records, so memory stays bounded. The media they produced stay.
   * `containers` is in creation order (emulated time only moves forward between resets), so the
   * scan stops at the first container young enough to keep: amortised O(1) per creation.
   */
  forgetOld(now: number): void {
    for (const [id, c] of this.containers) {
      if (now - c.createdAt <= CONTAINER_FORGET_MS) return;
      this.containers.delete(id);
      this.duplicates.delete(id);
    }
  }

  addMedia(m: Media): void {
    this.media.set(m.id, m);
    if (m.isCarouselChild) return;
    const list = this.byAccount.get(m.igUserId) ?? [];
    list.unshift(m.id);
    this.byAccount.set(m.igUserId, list);
  }

  /** Removes a published media (and its carousel children) from reads and listings. */
  deleteMedia(id: string, now: number): void {
    const m = this.media.get(id);
    if (m === undefined) return;
    this.media.delete(id);
    for (const child of m.children ?? []) this.media.delete(child);
    const list = this.byAccount.get(m.igUserId);
    const at = list?.indexOf(id) ?? -1;
    if (list !== undefined && at >= 0) list.splice(at, 1);
    this.deleted.push({
      id,
      igUserId: m.igUserId,
      containerId: m.containerId,
      mediaType: m.mediaType,
      mediaProductType: m.mediaProductType,
      ...(m.children === undefined ? {} : { children: [...m.children] }),
      publishedAt: m.timestamp,
      deletedAt: now,
    });
    if (this.deleted.length > DELETED_MEDIA_CAP)
      this.deleted.splice(0, this.deleted.length - DELETED_MEDIA_CAP);
  }

  reset(): void {
    this.deleted = [];
    this.containers.clear();
    this.media.clear();
    this.publishes.clear();
    this.creations.clear();
    this.duplicates.clear();
    this.byAccount.clear();
  }

  /** Ground truth. */
  snapshot(now: number): Record<string, unknown> {
    return {
      containers: [...this.containers.values()].map((c) => ({
        id: c.id,
        igUserId: c.igUserId,
        mediaType: c.kind,
        isCarouselItem: c.isCarouselItem,
        statusCode: statusOf(c, now),
        createdAt: c.createdAt,
        readyAt: c.readyAt,
        ...(c.children === undefined ? {} : { children: c.children }),
        ...(c.mediaId === undefined ? {} : { mediaId: c.mediaId }),
        ...(c.upload === undefined ? {} : { upload: { ...c.upload } }),
      })),
      media: [...this.media.values()].map((m) => ({ ...m })),
      duplicatePublishes: [...this.duplicates.values()].map((d) => ({ ...d })),
      deletedMedia: this.deleted.map((d) => ({
        ...d,
        ...(d.children === undefined ? {} : { children: [...d.children] }),
      })),
      publishingQuota: Object.fromEntries([...this.publishes].map(([id, list]) => [id, list.length])),
    };
  }
}
