/**
 * Identity nodes: `GET /me`, `GET /{ig-user-id}`, `GET /{page-id}` (FB Login discovery of
 * `instagram_business_account`) and `GET /me/accounts`.
 * Sources: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user ;
 * https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/get-started
 */
import type { AccountRecord } from '../core/accounts.js';
import type { AuthContext } from '../core/auth.js';
import { unsupportedRequest } from '../core/errors.js';
import { edgeArgs, type FieldResolver, renderFields, requestedFields } from '../core/fields.js';
import type { EmulatorContext, EmulatorModule, GraphRequest } from '../core/types.js';

/** Creates the identity module. */
export function identityModule(): EmulatorModule {
  let ctx: EmulatorContext;

  const igUserResolvers = (a: AccountRecord, req: GraphRequest): Record<string, FieldResolver> => {
    const followers = 100 + Math.floor(ctx.ids.unit(`followers:${a.igUserId}`) * 50_000);
    const edge =
      (name: string): FieldResolver =>
      (_sub, field) =>
        ctx.expand(req, `/${a.igUserId}/${name}`, edgeArgs(field));
    const notEmulated =
      (name: string): FieldResolver =>
      () => {
        throw ctx.notEmulated(req, `the IG User field ${name}`);
      };
    return {
      has_profile_pic: () => true,
      is_published: () => true,
      legacy_instagram_user_id: () => a.igUserId,
      shopping_product_tag_eligibility: () => false,
      media: edge('media'),
      stories: edge('stories'),
      insights: edge('insights'),
      content_publishing_limit: edge('content_publishing_limit'),
      conversations: edge('conversations'),
      live_media: () => ({ data: [] }),
      tags: notEmulated('tags'),
      mentioned_media: notEmulated('mentioned_media'),
      mentioned_comment: notEmulated('mentioned_comment'),
      business_discovery: notEmulated('business_discovery'),
      recently_searched_hashtags: notEmulated('recently_searched_hashtags'),
      id: () => a.igUserId,
      ig_id: () => Number(a.igUserId.slice(-10)),
      user_id: () => a.igUserId,
      username: () => a.username,
      name: () => a.name,
      account_type: () => 'BUSINESS',
      biography: () => `Emulated account ${a.username}`,
      website: () => `https://example.com/${a.username}`,
      profile_picture_url: () => `https://scontent.cdninstagram.com/emulated/${a.igUserId}/profile.jpg`,
      followers_count: () => followers,
      follows_count: () => Math.floor(followers / 10),
      media_count: () => ctx.services.media?.ofAccount(a.igUserId).length ?? 0,
    };
  };

  const pageResolvers = (a: AccountRecord, auth: AuthContext): Record<string, FieldResolver> => ({
    id: () => a.pageId,
    name: () => `${a.name} Page`,
    category: () => 'Brand',
    instagram_business_account: () => ({ id: a.igUserId }),
    connected_instagram_account: () => ({ id: a.igUserId }),
    access_token: () => (auth.token.kind === 'user' ? pageToken(a) : undefined),
  });

  const pageToken = (a: AccountRecord): string | undefined => {
    for (const t of ctx.accounts.tokens.values())
      if (t.igUserId === a.igUserId && t.kind === 'page' && t.invalidSubcode === undefined) return t.value;
    return undefined;
  };

  return {
    name: 'identity',
    init(c) {
      ctx = c;
      const r = c.router;

      r.get('/me', (req) => {
        const auth = c.requireAuth(req);
        const a = auth.account!;
        if (a.loginType === 'instagram')
          return { body: renderFields('User', requestedFields(req.args, ['id']), igUserResolvers(a, req)) };
        if (auth.token.kind === 'page')
          return {
            body: renderFields('Page', requestedFields(req.args, ['id', 'name']), pageResolvers(a, auth)),
          };
        return {
          body: renderFields('User', requestedFields(req.args, ['id', 'name']), {
            id: () => a.fbUserId,
            name: () => `${a.name} Owner`,
          }),
        };
      });

      r.get('/me/accounts', (req) => {
        const auth = c.requireAuth(req, { permissions: ['pages_show_list'] });
        const a = auth.account!;
        if (a.loginType === 'instagram') throw unsupportedRequest('GET', 'me');
        const fields = requestedFields(req.args, ['id', 'name', 'access_token']);
        return { body: { data: [renderFields('Page', fields, pageResolvers(a, auth))], paging: {} } };
      });

      r.get(
        '/:id',
        (req) => {
          const id = req.params['id']!;
          const auth = c.requireAuth(req, { node: id, capability: 'basic' });
          return {
            body: renderFields(
              'IGUser',
              requestedFields(req.args, ['id']),
              igUserResolvers(auth.account!, req),
            ),
          };
        },
        { when: (p) => c.accounts.account(p['id']!) !== undefined },
      );

      r.get(
        '/:id',
        (req) => {
          const id = req.params['id']!;
          const auth = c.requireAuth(req, { node: id });
          return {
            body: renderFields(
              'Page',
              requestedFields(req.args, ['id', 'name']),
              pageResolvers(auth.account!, auth),
            ),
          };
        },
        { when: (p) => c.accounts.accountByPage(p['id']!) !== undefined },
      );
    },
    reset: () => undefined,
    snapshot: () => ({}),
  };
}
