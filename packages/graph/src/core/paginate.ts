import { type QueryValue, sameOrigin } from './request-url.js';

/** Meta's cursor-paged list shape. */
export interface GraphPage<T> {
  data?: T[];
  paging?: {
    cursors?: { before?: string; after?: string };
    next?: string;
    previous?: string;
  };
}

/** Fetches one page: `path` is a Graph path or a same-origin absolute URL. */
export type PageFetcher<T> = (
  path: string,
  query: Record<string, QueryValue> | undefined,
) => Promise<GraphPage<T>>;

/** Options of the resource list readers (conversations, messages, comments). */
export interface ListPageOptions {
  /** Page size asked of Meta (`limit`). */
  limit?: number;
  /** Stop after this many pages. @default Infinity */
  maxPages?: number;
  /** Graph fields to ask for instead of the defaults. */
  fields?: readonly string[];
  signal?: AbortSignal;
}

/** Options of {@link paginateEdges}. */
export interface PaginateOptions {
  /** Stop after this many pages. @default Infinity */
  maxPages?: number;
}

/**
 * Iterates the items of a cursor-paged edge. Meta's rule: a page without `paging.next` is the last one.
 * A same-origin `next` URL is followed as given (the client strips any token from it and re-applies the
 * Authorization header); a cross-origin `next` is never requested: the original path is re-requested with
 * `after=<paging.cursors.after>` instead. Stops on an empty page or a repeated cursor.
 */
export async function* paginateEdges<T>(
  fetchPage: PageFetcher<T>,
  baseUrl: string,
  path: string,
  query?: Record<string, QueryValue>,
  options: PaginateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  let target: { path: string; query: Record<string, QueryValue> | undefined } = { path, query };
  for (let pages = 0; pages < maxPages; pages += 1) {
    const page = await fetchPage(target.path, target.query);
    const data = Array.isArray(page?.data) ? page.data : [];
    for (const item of data) yield item;
    const next = page?.paging?.next;
    const after = page?.paging?.cursors?.after;
    if (data.length === 0 || typeof next !== 'string' || next === '') return;
    if (sameOrigin(next, baseUrl)) {
      if (seen.has(`next:${next}`)) return;
      seen.add(`next:${next}`);
      target = { path: next, query: undefined };
    } else if (typeof after === 'string' && after !== '') {
      if (seen.has(`after:${after}`)) return;
      seen.add(`after:${after}`);
      target = { path, query: { ...query, after } };
    } else {
      return;
    }
  }
}
