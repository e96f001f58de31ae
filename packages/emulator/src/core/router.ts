/**
 * A tiny router: `'/:igUserId/media'`-style patterns, first match wins, optional guards so several
 * modules can share a shape like `GET /:id` (each guard claims the ids it owns).
 */
import type { RouteHandler } from './http-types.js';
import { splitPath } from './path.js';

export { splitPath } from './path.js';

/** Extra route options. */
export interface RouteOptions {
  /** Only match when this returns true (e.g. `({ id }) => containers.has(id)`). */
  when?: (params: Record<string, string>) => boolean;
}

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
  when: ((params: Record<string, string>) => boolean) | undefined;
}

/** A matched route. */
export interface RouteMatch {
  handler: RouteHandler;
  params: Record<string, string>;
}

/** Route table. */
export class Router {
  readonly #routes: Route[] = [];

  /** Registers a handler for a method and pattern (`:name` segments are parameters). */
  on(method: string, pattern: string, handler: RouteHandler, options: RouteOptions = {}): this {
    this.#routes.push({
      method: method.toUpperCase(),
      segments: splitPath(pattern),
      handler,
      when: options.when,
    });
    return this;
  }

  get(pattern: string, handler: RouteHandler, options?: RouteOptions): this {
    return this.on('GET', pattern, handler, options);
  }

  post(pattern: string, handler: RouteHandler, options?: RouteOptions): this {
    return this.on('POST', pattern, handler, options);
  }

  put(pattern: string, handler: RouteHandler, options?: RouteOptions): this {
    return this.on('PUT', pattern, handler, options);
  }

  delete(pattern: string, handler: RouteHandler, options?: RouteOptions): this {
    return this.on('DELETE', pattern, handler, options);
  }

  /** Finds the first route matching method + path (whose guard accepts). */
  match(method: string, path: string): RouteMatch | undefined {
    const segs = splitPath(path);
    for (const r of this.#routes) {
      if (r.method !== method || r.segments.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length; i++) {
        const p = r.segments[i]!;
        const s = segs[i]!;
        if (p.startsWith(':')) params[p.slice(1)] = s;
        else if (p !== s) {
          ok = false;
          break;
        }
      }
      if (ok && (r.when === undefined || r.when(params))) return { handler: r.handler, params };
    }
    return undefined;
  }
}
