/** `/v1/accounts`: list, show (status, re-auth needed), connect / store a new token. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ServiceError } from '../../errors.js';
import { getAccount, listAccounts } from '../../store/accounts.js';
import { type AppEnv, requireScope } from '../auth.js';
import { AccountSchema, accountJson, ConnectAccountSchema } from '../schemas.js';
import { errors, IdParam, json, type RouteDeps, secured } from './common.js';

export function accountRoutes({ service }: RouteDeps) {
  const auth = { db: service.db, now: service.now };
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['accounts'],
      summary: 'List connected accounts',
      ...secured('posts:read'),
      middleware: [requireScope(auth, 'posts:read')] as const,
      responses: { 200: json(z.object({ data: z.array(AccountSchema) }), 'Every account'), ...errors() },
    }),
    async (c) => c.json({ data: (await listAccounts(service.db)).map(accountJson) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['accounts'],
      summary: "An account's status",
      description:
        '`status: reauth_required` means Meta refused its token: connect it again with a new token.',
      ...secured('posts:read'),
      middleware: [requireScope(auth, 'posts:read')] as const,
      request: { params: IdParam('IG user id', '17841400000000001') },
      responses: { 200: json(AccountSchema, 'The account'), ...errors(404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const account = await getAccount(service.db, id);
      if (!account) throw new ServiceError('NOT_FOUND', `no account ${id}`, { field: 'id' });
      return c.json(accountJson(account), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['accounts'],
      summary: 'Connect an account or store a new token',
      description:
        'The token is stored sealed (AES-256-GCM). Storing a token for a `reauth_required` account makes it active and resumes its parked posts.',
      ...secured('admin'),
      middleware: [requireScope(auth, 'admin')] as const,
      request: {
        body: { content: { 'application/json': { schema: ConnectAccountSchema } }, required: true },
      },
      responses: {
        200: json(
          z.object({ account: AccountSchema, resumedPosts: z.number().int() }),
          'The account, and how many parked posts resumed',
        ),
        ...errors(),
      },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const { account, resumedPosts } = await service.connectAccount(
        {
          id: b.id,
          loginType: b.loginType,
          accessToken: b.accessToken,
          pageId: b.pageId,
          username: b.username,
          tokenExpiresAt: b.tokenExpiresAt ? new Date(b.tokenExpiresAt) : undefined,
        },
        { actor: `api:${c.var.apiKey.id}` },
      );
      return c.json({ account: accountJson(account), resumedPosts }, 200);
    },
  );
  return app;
}
