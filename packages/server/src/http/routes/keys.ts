/** `/v1/keys` (admin): create (the key is shown once), list, revoke; and vault secret rotation. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { appendAudit } from '../../audit/audit-log.js';
import { ServiceError } from '../../errors.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../store/api-keys.js';
import { type AppEnv, requireScope } from '../auth.js';
import { ApiKeySchema, apiKeyJson, CreatedKeySchema, CreateKeySchema } from '../schemas.js';
import { errors, IdParam, json, type RouteDeps, secured } from './common.js';

export function keyRoutes({ service }: RouteDeps) {
  const admin = requireScope({ db: service.db, now: service.now }, 'admin');
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['keys'],
      summary: 'Create an API key',
      ...secured('admin'),
      middleware: [admin] as const,
      request: { body: { content: { 'application/json': { schema: CreateKeySchema } }, required: true } },
      responses: { 201: json(CreatedKeySchema, 'The key record and the key (shown once)'), ...errors() },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const created = await service.db.transaction(async (tx) => {
        const out = await createApiKey(tx, b, service.now());
        await appendAudit(tx, {
          actor: `api:${c.var.apiKey.id}`,
          action: 'api_key.create',
          resourceType: 'api_key',
          resourceId: out.apiKey.id,
          correlationId: c.var.correlationId,
          outcome: 'created',
          metadata: { scopes: out.apiKey.scopes },
        });
        return out;
      });
      return c.json({ ...apiKeyJson(created.apiKey), key: created.key }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['keys'],
      summary: 'List API keys (never the keys themselves)',
      ...secured('admin'),
      middleware: [admin] as const,
      responses: { 200: json(z.object({ data: z.array(ApiKeySchema) }), 'Every key record'), ...errors() },
    }),
    async (c) => c.json({ data: (await listApiKeys(service.db)).map(apiKeyJson) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags: ['keys'],
      summary: 'Revoke an API key',
      ...secured('admin'),
      middleware: [admin] as const,
      request: { params: IdParam('key id', 'a1b2c3d4e5') },
      responses: { 200: json(ApiKeySchema, 'The revoked key record'), ...errors(404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const key = await service.db.transaction(async (tx) => {
        const k = await revokeApiKey(tx, id, service.now());
        if (k)
          await appendAudit(tx, {
            actor: `api:${c.var.apiKey.id}`,
            action: 'api_key.revoke',
            resourceType: 'api_key',
            resourceId: id,
            correlationId: c.var.correlationId,
            outcome: 'revoked',
          });
        return k;
      });
      if (!key) throw new ServiceError('NOT_FOUND', `no API key ${id}`, { field: 'id' });
      return c.json(apiKeyJson(key), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/rotate-secrets',
      tags: ['keys'],
      summary: 'Re-seal every stored secret with the current vault key',
      description:
        'Run after setting a new IGKIT_SECRET_KEY (old one in IGKIT_SECRET_KEY_PREVIOUS); then the previous key can be removed.',
      ...secured('admin'),
      middleware: [admin] as const,
      responses: {
        200: json(z.object({ resealed: z.number().int() }), 'How many secrets were re-sealed'),
        ...errors(),
      },
    }),
    async (c) => {
      const out = await service.rotateSecrets();
      await appendAudit(service.db, {
        actor: `api:${c.var.apiKey.id}`,
        action: 'vault.rotate',
        resourceType: 'vault',
        correlationId: c.var.correlationId,
        outcome: 'ok',
        metadata: { resealed: out.resealed },
      });
      return c.json(out, 200);
    },
  );
  return app;
}
