/**
 * The dashboard: the built single-page app (`@igkit/dashboard`'s `dist/`) served at `/` from the same origin as
 * the API it calls. Hashed assets are cached for a year; every page path answers `index.html`. A strict
 * Content-Security-Policy allows only this origin's scripts, styles and connections (media previews may load
 * images from the post's own https URLs).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { Context, Hono } from 'hono';
import type { AppEnv } from './auth.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The dashboard's page paths (the app routes them in the browser). */
export const DASHBOARD_PAGES = ['/', '/signin', '/schedule', '/compose', '/inbox', '/operations'] as const;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where the built dashboard is: `IGKIT_DASHBOARD_DIR`, else the installed `@igkit/dashboard` package's `dist/`. */
export function defaultDashboardDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@igkit/dashboard/package.json');
    return join(dirname(pkg), 'dist');
  } catch {
    return undefined;
  }
}

function secure(c: Context, type: string) {
  c.header('content-type', type);
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'no-referrer');
  if (type.startsWith('text/html')) {
    c.header('content-security-policy', CSP);
    c.header('x-frame-options', 'DENY');
    c.header('cache-control', 'no-cache');
  }
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>igkit</title></head>
<body><main><h1>The igkit dashboard is not built</h1>
<p>Run <code>npm run build -w @igkit/dashboard</code> (<code>npm ci</code> does it), or set IGKIT_DASHBOARD_DIR.
The API reference is at <a href="/docs">/docs</a>.</p></main></body></html>`;

/** Mounts the dashboard on `app`: `/assets/*` and the page paths. */
export function mountDashboard(app: Hono<AppEnv>, dir: string | undefined): void {
  // Only files found are kept (the build's few files); a miss is not, so requests for made-up asset names
  // cannot grow the cache, and a build that appears after start is served.
  const cache = new Map<string, Buffer>();
  const load = async (rel: string): Promise<Buffer | null> => {
    if (!dir) return null;
    const path = normalize(join(dir, rel));
    if (!path.startsWith(normalize(dir) + sep)) return null;
    const hit = cache.get(path);
    if (hit) return hit;
    const file = await readFile(path).catch(() => null);
    if (file) cache.set(path, file);
    return file;
  };
  const page = async (c: Context<AppEnv>) => {
    const html = await load('index.html');
    secure(c, TYPES['.html'] as string);
    return html ? c.body(new Uint8Array(html), 200) : c.body(NOT_BUILT, 503);
  };
  for (const p of DASHBOARD_PAGES) app.get(p, page);
  app.get('/posts/:id', page);
  app.get('/assets/:name', async (c) => {
    const name = c.req.param('name');
    const file = /^[\w.-]+$/.test(name) ? await load(join('assets', name)) : null;
    if (!file) return c.json({ error: { code: 'NOT_FOUND', message: 'no such asset', details: {} } }, 404);
    secure(c, TYPES[extname(name)] ?? 'application/octet-stream');
    c.header('cache-control', 'public, max-age=31536000, immutable');
    return c.body(new Uint8Array(file), 200);
  });
}
