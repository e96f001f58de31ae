/**
 * Publishing module: containers, media_publish, content_publishing_limit, media reads, media
 * deletion (Facebook Login) and resumable upload. State lives in one `PublishingStore`; status is computed lazily.
 */
import type { MediaView } from '../core/services.js';
import type { EmulatorContext, EmulatorModule } from '../core/types.js';
import { createContainer } from './create.js';
import { deleteMedia } from './delete.js';
import { publishContainer, publishingLimit } from './publish.js';
import { listMedia, readContainer, readMedia } from './read.js';
import { uploadChunk, uploadStatus } from './rupload.js';
import { type Media, PublishingStore } from './store.js';

/** Ground-truth keys added to `state()` by the publishing module. */
export interface PublishingState {
  containers: unknown[];
  /** The posts that exist (deleted ones move to `deletedMedia`). */
  media: unknown[];
  /** `media_publish` calls on an already published container. */
  duplicatePublishes: unknown[];
  /** Media removed with `DELETE /{ig-media-id}` (Facebook Login). */
  deletedMedia: unknown[];
  /** igUserId → publishes in the current quota window. */
  publishingQuota: Record<string, number>;
}

declare module '../core/control.js' {
  interface EmulatorState extends PublishingState {}
}

function view(m: Media): MediaView {
  const {
    containerId: _c,
    mediaUrl: _u,
    thumbnailUrl: _t,
    children: _ch,
    parentId: _p,
    shareToFeed: _s,
    altText: _a,
    ...v
  } = m;
  return v;
}

/** Creates the publishing module. */
export function publishingModule(): EmulatorModule {
  const store = new PublishingStore();
  let ctx: EmulatorContext;
  return {
    name: 'publishing',
    init(c) {
      ctx = c;
      const r = c.router;
      const isAccount = (p: Record<string, string>) =>
        p['id'] === 'me' || c.accounts.account(p['id']!) !== undefined;
      const container = (p: Record<string, string>) => store.containers.get(p['id']!);
      const media = (p: Record<string, string>) => store.media.get(p['id']!);

      r.post('/:id/media', (req) => createContainer(ctx, store, req), { when: isAccount });
      r.get('/:id/media', (req) => listMedia(ctx, store, req, 'media'), { when: isAccount });
      r.get('/:id/stories', (req) => listMedia(ctx, store, req, 'stories'), { when: isAccount });
      r.post('/:id/media_publish', (req) => publishContainer(ctx, store, req), { when: isAccount });
      r.get('/:id/content_publishing_limit', (req) => publishingLimit(ctx, store, req), { when: isAccount });
      r.get('/:id', (req) => readContainer(ctx, container(req.params)!, req), {
        when: (p) => container(p) !== undefined,
      });
      r.get('/:id', (req) => readMedia(ctx, store, media(req.params)!, req), {
        when: (p) => media(p) !== undefined,
      });
      r.get('/:id/children', (req) => readMedia(ctx, store, media(req.params)!, req, 'children'), {
        when: (p) => media(p) !== undefined,
      });
      r.delete('/:id', (req) => deleteMedia(ctx, store, media(req.params)!, req), {
        when: (p) => media(p) !== undefined,
      });
      r.post('/rupload/ig-api-upload/:version/:containerId', (req) => uploadChunk(ctx, store, req));
      r.get('/rupload/ig-api-upload/:version/:containerId', (req) => uploadStatus(ctx, store, req));

      c.services.media = {
        get: (id) => {
          const m = store.media.get(id);
          return m === undefined ? undefined : view(m);
        },
        ofAccount: (igUserId) =>
          (store.byAccount.get(igUserId) ?? []).flatMap((id) => {
            const m = store.media.get(id);
            return m === undefined ? [] : [view(m)];
          }),
      };
    },
    reset: () => store.reset(),
    snapshot: () => store.snapshot(ctx.clock.now()),
  };
}

export type { Container, Media } from './store.js';
