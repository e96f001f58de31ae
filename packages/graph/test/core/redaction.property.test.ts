/**
 * Property: whatever the token / app secret, no error path and no hook payload ever shows the token, the app
 * secret or the appsecret_proof — not in message, stack, String(), JSON.stringify, util.inspect, nor any
 * string field. Error paths: Meta error echoing the credentials (with a retry), HTML 5xx body echoing them,
 * network failure echoing them, nock's "disallowed net connect" through the real fetch (the URL carries the
 * proof), and a timeout.
 */
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient, type GraphClientOptions } from '../../src/core/client.js';
import type { RequestEvent, ResponseEvent } from '../../src/core/hooks.js';

interface Creds {
  token: string;
  secret: string;
}

interface Observed {
  /** Rendered text (message, stack, String, JSON, inspect, hook dumps). */
  texts: string[];
  /** JSON renderings, also checked for the JSON-escaped secret. */
  json: string[];
}

const REGEX_SPECIALS = [...'.*+?^$()|[]\\/-=&%#"\'', '{', '}'];
const ALNUM = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];

const secretArb = fc
  .oneof(
    fc.string({ minLength: 8, maxLength: 40 }),
    fc.string({ unit: 'binary', minLength: 8, maxLength: 24 }),
    fc.string({ unit: 'grapheme', minLength: 8, maxLength: 24 }),
    fc.string({ unit: fc.constantFrom(...REGEX_SPECIALS), minLength: 8, maxLength: 20 }),
    fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 8, maxLength: 8 }),
    fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 20, maxLength: 60 }).map((s) => `EAAB${s}`),
  )
  .filter((s) => s.length >= 8);

function collectError(error: unknown, out: Observed): void {
  const e = error as Error & Record<string, unknown>;
  const json = JSON.stringify(e);
  out.json.push(json);
  out.texts.push(
    String(e.message),
    String(e.stack),
    String(e),
    json,
    inspect(e),
    inspect(e, { showHidden: true, depth: 10 }),
  );
  for (const value of Object.values(e)) if (typeof value === 'string') out.texts.push(value);
  const cause = e.cause as Error | undefined;
  if (cause) out.texts.push(String(cause.message), String(cause.stack), inspect(cause, { showHidden: true }));
}

async function scenarios(c: Creds): Promise<Observed> {
  const out: Observed = { texts: [], json: [] };
  const proof = createHmac('sha256', c.secret).update(c.token).digest('hex');
  const before: RequestEvent[] = [];
  const after: ResponseEvent[] = [];
  const base: GraphClientOptions = {
    accessToken: c.token,
    appSecret: c.secret,
    governor: false,
    retry: false,
    sleep: async () => {},
    hooks: { beforeRequest: (e) => before.push(e), afterResponse: (e) => after.push(e) },
  };
  const echo = `token ${c.token} secret ${c.secret} proof ${proof} url ?access_token=${encodeURIComponent(c.token)}`;
  const attempt = async (client: GraphClient, query?: Record<string, string>) => {
    try {
      await client.get('/17841400000000001/media', { fields: 'id', ...query });
    } catch (error) {
      collectError(error, out);
      return;
    }
    throw new Error('expected a failure');
  };

  // 1. Meta's envelope echoing every credential, in every string field; retried once (code 2).
  const metaBody = JSON.stringify({
    error: {
      message: `(#2) Invalid request: ${echo}`,
      type: c.token,
      code: 2,
      is_transient: true,
      error_user_title: `title ${c.token}`,
      error_user_msg: `msg ${c.secret} ${proof}`,
      fbtrace_id: c.token,
    },
  });
  await attempt(
    new GraphClient({
      ...base,
      retry: { attempts: 2 },
      fetch: async () =>
        new Response(metaBody, { status: 500, headers: { 'content-type': 'application/json' } }),
    }),
    { input_token: c.token },
  );

  // 2. A non-JSON 502 page echoing the credentials.
  const html = `<html><head><title>502 ${c.token}</title></head><body>${echo}</body></html>`;
  await attempt(
    new GraphClient({
      ...base,
      fetch: async () => new Response(html, { status: 502, headers: { 'content-type': 'text/html' } }),
    }),
  );
  await attempt(
    new GraphClient({ ...base, fetch: async () => new Response(`plain ${echo}`, { status: 503 }) }),
  );

  // 3. A network failure whose message and cause echo the credentials.
  await attempt(
    new GraphClient({
      ...base,
      fetch: async (input) => {
        throw new TypeError(`fetch failed for ${String(input)} ${c.token}`, {
          cause: Object.assign(new Error(`connect ECONNREFUSED ${echo}`), { code: 'ECONNREFUSED' }),
        });
      },
    }),
  );

  // 4. The real global fetch: nock refuses the connection and names the URL (which carries the proof);
  //    tokens that are not valid header values make fetch itself throw, naming the header value.
  await attempt(new GraphClient(base));

  // 5. A timeout.
  await attempt(
    new GraphClient({
      ...base,
      timeoutMs: 1,
      fetch: (_input, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new Error(`aborted ${c.token}`)));
        }),
    }),
  );

  const hooks = JSON.stringify({ before, after });
  out.json.push(hooks);
  out.texts.push(hooks, inspect({ before, after }, { depth: 10, showHidden: true }));
  return out;
}

let baseline = '';

beforeAll(async () => {
  nock.disableNetConnect();
  const neutral = await scenarios({ token: 'NEUTRAL-TOKEN-VALUE', secret: 'NEUTRAL-APP-SECRET' });
  baseline = neutral.texts.join('\n');
});
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('credential redaction (property)', () => {
  it('the neutral run itself leaks nothing and exercises every path', async () => {
    expect(baseline).not.toContain('NEUTRAL-TOKEN-VALUE');
    expect(baseline).not.toContain('NEUTRAL-APP-SECRET');
    expect(baseline).toContain('timed out');
    expect(baseline).toContain('502');
    expect(baseline).toContain('ECONNREFUSED');
    expect(baseline).toContain('Nock');
  });

  it('no token, app secret or proof appears in any error rendering or hook payload', async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, secretArb, async (token, secret) => {
        // A credential that is literally part of the fixed output (e.g. "GraphApiError") cannot be hidden.
        fc.pre(!baseline.includes(token) && !baseline.includes(secret));
        const proof = createHmac('sha256', secret).update(token).digest('hex');
        const seen = await scenarios({ token, secret });
        for (const s of [token, secret, proof]) {
          for (const text of seen.texts) expect(text.includes(s)).toBe(false);
          const escaped = JSON.stringify(s).slice(1, -1);
          for (const text of seen.json) expect(text.includes(escaped)).toBe(false);
        }
      }),
      { numRuns: 120 },
    );
  });
});
