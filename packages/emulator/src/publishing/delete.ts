/**
 * `DELETE /{ig-media-id}`: deletes a published post, reel, story or whole carousel album.
 * Meta documents it for the Instagram API with Facebook Login only (graph.facebook.com,
 * permissions `instagram_basic` + `instagram_manage_contents`); Instagram Login accounts get the
 * "Unsupported delete request" answer (100/33). Carousel children cannot be deleted on their own.
 * Source: https://developers.facebook.com/docs/instagram-platform/reference/instagram-media (Deleting)
 */
import { unsupportedRequest } from '../core/errors.js';
import type { EmulatorContext, GraphRequest, RouteResult } from '../core/types.js';
import type { Media, PublishingStore } from './store.js';

/** Permission the operation needs besides `instagram_basic` (missing → 200, HTTP 403). */
export const DELETE_PERMISSION = 'instagram_manage_contents';

/** Handles `DELETE /{ig-media-id}` → `{ success: true }`. */
export function deleteMedia(
  ctx: EmulatorContext,
  store: PublishingStore,
  m: Media,
  req: GraphRequest,
): RouteResult {
  ctx.requireAuth(req, {
    node: m.igUserId,
    loginTypes: ['facebook'],
    capability: 'basic',
    permissions: [DELETE_PERMISSION],
    missingPermissionCode: 200,
  });
  if (m.isCarouselChild) throw unsupportedRequest(req.method, m.id);
  store.deleteMedia(m.id, ctx.clock.now());
  return { body: { success: true } };
}
