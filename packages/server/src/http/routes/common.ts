/** Pieces every resource's routes share: the error responses, the security requirement, the route context. */
import { z } from '@hono/zod-openapi';
import type { Service } from '../../service.js';
import type { Scope } from '../../store/api-keys.js';
import { ErrorSchema } from '../schemas.js';

export interface RouteDeps {
  service: Service;
}

const err = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** The error answers of an authenticated route (plus any given). */
export function errors(...extra: Array<404 | 409 | 503>) {
  const out = {
    400: err('Validation error: `details.field` and `details.rule` name what failed'),
    401: err('Missing, unknown or revoked API key'),
    403: err('The API key lacks the required scope'),
  } as Record<number, ReturnType<typeof err>>;
  for (const s of extra)
    out[s] = err(s === 404 ? 'Not found' : s === 409 ? 'Not allowed in the current state' : 'Unavailable');
  return out as {
    400: ReturnType<typeof err>;
    401: ReturnType<typeof err>;
    403: ReturnType<typeof err>;
  };
}

/** The OpenAPI security requirement and a description line for a scope. */
export function secured(scope: Scope) {
  return {
    security: [{ apiKey: [] as string[] }],
    'x-igkit-scope': scope,
  };
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const IdParam = (name: string, example: string) =>
  z.object({
    id: z
      .string()
      .min(1)
      .max(100)
      .openapi({ param: { name: 'id', in: 'path' }, example, description: name }),
  });
