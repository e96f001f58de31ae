/**
 * Turns a raw request into the `GraphRequest` routes see: the `/vNN.N` prefix stripped (and kept
 * as `version`), absolute-form targets (`https://graph.instagram.com/v26.0/me`) reduced to their
 * path, query and body parameters merged (body wins), lower-case headers.
 */
import { expandBrackets, formPairs, parseBody, parseForm } from './body.js';
import type { EmulatorRequest, GraphRequest } from './http-types.js';

/** Graph API version assumed when a path has no `/vNN.N` prefix. */
export const DEFAULT_VERSION = 'v26.0';

const VERSION_RE = /^\/(v(\d+)\.\d+)(?=\/|$)/;
const DEFAULT_MAJOR = Number(VERSION_RE.exec(`/${DEFAULT_VERSION}`)![2]);

/** Parses one request (never throws; invalid JSON is flagged as `args.__invalidJson`). */
export function parseRequest(input: EmulatorRequest): GraphRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const qIndex = input.url.indexOf('?');
  let path = qIndex < 0 ? input.url : input.url.slice(0, qIndex);
  const query = qIndex < 0 ? {} : parseForm(input.url.slice(qIndex + 1));
  if (/^https?:\/\//i.test(path)) path = absolutePath(path);
  let version = DEFAULT_VERSION;
  let versionMajor = DEFAULT_MAJOR;
  const vm = VERSION_RE.exec(path);
  if (vm !== null) {
    version = vm[1]!;
    versionMajor = Number(vm[2]);
    path = path.slice(vm[0].length) || '/';
  }
  const raw =
    input.body === undefined
      ? Buffer.alloc(0)
      : typeof input.body === 'string'
        ? Buffer.from(input.body)
        : Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength);
  const isUpload = path.startsWith('/rupload/');
  const parsed = isUpload ? { args: {} } : parseBody(raw, headers['content-type']);
  const req: GraphRequest = {
    method: input.method.toUpperCase() as GraphRequest['method'],
    path,
    version,
    versionMajor,
    params: {},
    query,
    args: {
      ...(qIndex < 0 ? query : expandBrackets(query, formPairs(input.url.slice(qIndex + 1)))),
      ...parsed.args,
    },
    rawBody: raw,
    bodyLength: input.bodyLength ?? raw.length,
    aborted: input.aborted ?? false,
    headers,
    origin:
      input.origin ?? (headers['host'] === undefined ? 'http://127.0.0.1' : `http://${headers['host']}`),
  };
  if (parsed.invalidJson === true) req.args['__invalidJson'] = true;
  return req;
}

/** The path of an absolute-form target; an unparseable one is answered as an unknown path. */
function absolutePath(target: string): string {
  try {
    return new URL(target).pathname;
  } catch {
    return '/';
  }
}
