/**
 * Comments on the account's media: `GET /{media-id}/comments`, `GET /{comment-id}` and `/replies`,
 * `POST /{media-id}/comments`, `POST /{comment-id}/replies`, `POST /{comment-id}?hide=…` and
 * `DELETE /{comment-id}`. User comments come from the control plane (`userComment`) and emit the
 * `comments` webhook; the account's own comments and replies emit none (*UNCONFIRMED*).
 * Sources: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments ;
 * https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment ;
 * https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment/replies
 */
import { invalidParameter } from '../core/errors.js';
import { edgeArgs, type FieldResolver, renderFields, requestedFields } from '../core/fields.js';
import { paginate } from '../core/paging.js';
import type { EmulatorContext, GraphRequest, RouteResult } from '../core/types.js';
import type { MessagingDeps } from './send.js';
import type { StoredComment } from './store.js';

const DEFAULT_FIELDS = ['id', 'text', 'timestamp'];
const MAX_TEXT = 2200;

function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

function bool(v: unknown): boolean | undefined {
  if (v === true || v === 'true' || v === '1') return true;
  if (v === false || v === 'false' || v === '0') return false;
  return undefined;
}

/** Registers the comment routes. */
export function installCommentRoutes(deps: MessagingDeps): void {
  const { ctx, store } = deps;
  const r = ctx.router;
  const media = (id: string) => ctx.services.media?.get(id);
  const comment = (id: string) => store.comments.get(id);
  const auth = (req: GraphRequest, igUserId: string) =>
    ctx.requireAuth(req, { node: igUserId, capability: 'manage_comments' });
  const repliesOf = (id: string) =>
    [...store.comments.values()].filter((c) => c.parentId === id).sort((a, b) => a.createdAt - b.createdAt);

  const resolvers = (req: GraphRequest, c: StoredComment): Record<string, FieldResolver> => {
    const m = media(c.mediaId);
    return {
      id: () => c.id,
      text: () => c.text,
      timestamp: () => metaTime(c.createdAt),
      username: () => c.username,
      from: () => (c.fromBusiness === true ? undefined : { id: c.igsid, username: c.username }),
      hidden: () => c.hidden === true,
      like_count: () => Math.floor(ctx.ids.unit(`comment-likes:${c.id}`) * 20),
      media: () => ({
        id: c.mediaId,
        ...(m === undefined ? {} : { media_product_type: m.mediaProductType }),
      }),
      parent_id: () => c.parentId,
      user: () => (c.fromBusiness === true ? { id: c.accountId } : undefined),
      legacy_instagram_comment_id: () => c.id,
      replies: (_sub, field) =>
        c.parentId === undefined ? ctx.expand(req, `/${c.id}/replies`, edgeArgs(field)) : undefined,
    };
  };
  const render = (req: GraphRequest) => (c: StoredComment) =>
    renderFields('IGComment', requestedFields(req.args, DEFAULT_FIELDS), resolvers(req, c));

  const text = (req: GraphRequest): string => {
    const t = req.args['message'];
    if (typeof t !== 'string' || t.trim() === '') throw invalidParameter('The parameter message is required');
    if ([...t].length > MAX_TEXT) throw invalidParameter(`message must be at most ${MAX_TEXT} characters`);
    return t;
  };
  const create = (req: GraphRequest, igUserId: string, mediaId: string, parentId?: string): RouteResult => {
    const account = ctx.accounts.account(igUserId)!;
    const id = ctx.ids.next('comment');
    store.addComment({
      id,
      accountId: igUserId,
      igsid: igUserId,
      mediaId,
      text: text(req),
      createdAt: ctx.clock.now(),
      username: account.username,
      fromBusiness: true,
      ...(parentId === undefined ? {} : { parentId }),
    });
    return { body: { id } };
  };

  r.get(
    '/:id/comments',
    (req) => {
      const m = media(req.params['id']!)!;
      auth(req, m.igUserId);
      const top = [...store.comments.values()]
        .filter((c) => c.mediaId === m.id && c.parentId === undefined)
        .sort((a, b) => b.createdAt - a.createdAt);
      return { body: paginate(req, top, (c) => c.id, render(req)) };
    },
    { when: (p) => media(p['id']!) !== undefined },
  );
  r.post(
    '/:id/comments',
    (req) => {
      const m = media(req.params['id']!)!;
      auth(req, m.igUserId);
      if (m.isCarouselChild) throw invalidParameter('Comments cannot be added to a carousel album child');
      return create(req, m.igUserId, m.id);
    },
    { when: (p) => media(p['id']!) !== undefined },
  );
  r.get(
    '/:id',
    (req) => {
      const c = comment(req.params['id']!)!;
      auth(req, c.accountId);
      return { body: render(req)(c) };
    },
    { when: (p) => comment(p['id']!) !== undefined },
  );
  r.get(
    '/:id/replies',
    (req) => {
      const c = comment(req.params['id']!)!;
      auth(req, c.accountId);
      return { body: paginate(req, repliesOf(c.id), (x) => x.id, render(req)) };
    },
    { when: (p) => comment(p['id']!) !== undefined },
  );
  r.post(
    '/:id/replies',
    (req) => {
      const c = comment(req.params['id']!)!;
      auth(req, c.accountId);
      if (c.parentId !== undefined) throw invalidParameter('Replies can only be made to top-level comments');
      return create(req, c.accountId, c.mediaId, c.id);
    },
    { when: (p) => comment(p['id']!) !== undefined },
  );
  r.post(
    '/:id',
    (req) => {
      const c = comment(req.params['id']!)!;
      auth(req, c.accountId);
      const hide = bool(req.args['hide']);
      if (hide === undefined) throw invalidParameter('The parameter hide is required (true or false)');
      if (c.fromBusiness === true && hide) throw invalidParameter('You cannot hide your own comments');
      c.hidden = hide;
      return { body: { success: true } };
    },
    { when: (p) => comment(p['id']!) !== undefined },
  );
  r.delete(
    '/:id',
    (req) => {
      const c = comment(req.params['id']!)!;
      auth(req, c.accountId);
      store.comments.delete(c.id);
      for (const reply of repliesOf(c.id)) store.comments.delete(reply.id);
      return { body: { success: true } };
    },
    { when: (p) => comment(p['id']!) !== undefined },
  );
}

export type { EmulatorContext };
