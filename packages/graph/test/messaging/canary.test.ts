/**
 * Canary: every path of the service contract, of MessagingClient and of the webhook helpers' error paths
 * runs with a known token and known message texts; none of them may appear in any audit/security event,
 * error (message, stack, String, JSON, inspect), result, or line written to stdout/stderr/console.
 */
import { inspect } from 'node:util';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkSignature,
  createInstagramService,
  type MessagingAuditSink,
  MessagingClient,
  parseWebhook,
  SendLimiter,
  sendInstagramMessage,
  signWebhookBody,
  verifySignature,
  verifySubscription,
} from '../../src/index.js';
import { graphError } from '../helpers/graph-error.js';
import { recordingAudit, recordingSleep } from './helpers.js';

const TOKEN = 'EAACANARYTOKEN9x8y7zQ';
const TEXTS = ['CANARY patient glucose 212 mg/dL', 'CANARYMSGnospaces7f3a'];
const GRAPH = 'https://graph.facebook.com';
const IG = 'https://graph.instagram.com';
const PATH = '/v26.0/me/messages';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

const captured: string[] = [];
const record = (...parts: unknown[]): void => {
  for (const p of parts) captured.push(typeof p === 'string' ? p : inspect(p, { depth: 10 }));
};
const spies: { mockRestore(): void }[] = [];

beforeAll(() => {
  nock.disableNetConnect();
  const capture =
    (stream: NodeJS.WriteStream) =>
    (chunk: unknown): boolean => {
      record(String(chunk));
      void stream;
      return true;
    };
  spies.push(vi.spyOn(process.stderr, 'write').mockImplementation(capture(process.stderr) as never));
  spies.push(vi.spyOn(process.stdout, 'write').mockImplementation(capture(process.stdout) as never));
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    spies.push(vi.spyOn(console, m).mockImplementation((...args: unknown[]) => record(...args)));
  }
});
afterAll(() => {
  for (const s of spies) s.mockRestore();
  nock.cleanAll();
});

/** Error codes and result outcomes observed: proves the scenarios reached the paths they are named for. */
const reached = new Set<string>();

/** Everything observable about an outcome, as text. */
function observe(outcome: unknown): void {
  const code = (outcome as { code?: unknown } | null)?.code;
  if (typeof code === 'string') reached.add(code);
  const result = (outcome as { outcome?: unknown } | null)?.outcome;
  if (typeof result === 'string') reached.add(`outcome:${result}`);
  if (outcome instanceof Error) {
    record(
      outcome.message,
      outcome.stack ?? '',
      String(outcome),
      JSON.stringify(outcome),
      inspect(outcome, { depth: 10 }),
    );
  } else {
    record(JSON.stringify(outcome), inspect(outcome, { depth: 10 }));
  }
}

/** Observes what a synchronous call throws (or returns). */
function observeCall(fn: () => unknown): void {
  try {
    observe(fn());
  } catch (e) {
    observe(e);
  }
}

function assertClean(): void {
  const all = captured.join('\n');
  expect(all).not.toContain(TOKEN);
  for (const t of TEXTS) expect(all).not.toContain(t);
  // Token fragments are scrubbed too (e.g. a truncated echo).
  expect(all).not.toContain(TOKEN.slice(0, 12));
}

/** A Meta error envelope that echoes the secrets back everywhere it can. */
const echoing = (code: number, text: string, subcode?: number) =>
  graphError(code, {
    message: `Invalid OAuth access token ${TOKEN} while sending "${text}"`,
    type: TOKEN,
    ...(subcode !== undefined ? { error_subcode: subcode } : {}),
    fbtrace_id: text.includes(' ') ? TOKEN : text,
    error_user_title: text,
    error_user_msg: `${text} ${TOKEN}`,
  });

type Scenario = [label: string, status: number | 'reset' | 'timeout', body?: (text: string) => object];
const SERVICE_SCENARIOS: Scenario[] = [
  ['success', 200, () => ({ recipient_id: '42', message_id: 'mid.ok' })],
  ['401', 401, (t) => echoing(190, t)],
  ['190', 400, (t) => echoing(190, t, 463)],
  ['403', 403, (t) => echoing(200, t)],
  ['10 permission', 400, (t) => echoing(10, t)],
  ['window', 400, (t) => echoing(10, t, 2534022)],
  ['404', 404, (t) => echoing(100, t)],
  ['unknown recipient', 400, (t) => echoing(100, t, 2018001)],
  ['unavailable', 400, (t) => echoing(551, t, 1545041)],
  ['429', 429, (t) => echoing(4, t)],
  ['613', 400, (t) => echoing(613, t)],
  ['80002', 400, (t) => echoing(80002, t)],
  ['500', 500, (t) => echoing(2, t)],
  ['503 html', 503, () => ({})],
  ['400 other', 400, (t) => echoing(100, t)],
  ['200 with error', 200, (t) => echoing(100, t)],
  ['200 without id', 200, (t) => ({ note: t, token: TOKEN })],
  ['connection reset', 'reset'],
  ['timeout', 'timeout'],
];

function intercept(
  host: string,
  path: string,
  status: Scenario[1],
  body: Scenario[2],
  text: string,
  times: number,
) {
  const scope = nock(host).post(path).times(times);
  if (status === 'reset')
    return scope.replyWithError({ code: 'ECONNRESET', message: `socket reset ${TOKEN} ${text}` });
  if (status === 'timeout') return scope.delay(100).reply(200, { recipient_id: '42', message_id: 'late' });
  return scope.reply(status, body ? body(text) : {}, { 'x-echo': 'nothing-secret' });
}

describe('canary: no token or message text anywhere', () => {
  for (const text of TEXTS) {
    for (const [label, status, body] of SERVICE_SCENARIOS) {
      it(`service, ${label}, text "${text.slice(0, 8)}…"`, async () => {
        intercept(GRAPH, PATH, status, body, text, 4);
        // Default sink (stderr JSON lines) and a recording sink both get checked.
        const audit = recordingAudit();
        for (const sink of [audit, undefined] as (MessagingAuditSink | undefined)[]) {
          const svc = createInstagramService({
            accessToken: TOKEN,
            sleep: recordingSleep(),
            timeoutMs: 20,
            ...(sink ? { audit: sink } : {}),
          });
          const outcome = await svc.sendInstagramMessage('42', text, 'corr').catch((e: unknown) => e);
          observe(outcome);
          intercept(GRAPH, PATH, status, body, text, 4);
        }
        observe(audit.audits);
        observe(audit.security);
        nock.cleanAll();
        assertClean();
      });
    }

    it(`service input checks and configuration, text "${text.slice(0, 8)}…"`, async () => {
      const audit = recordingAudit();
      const svc = createInstagramService({ accessToken: TOKEN, audit, sleep: recordingSleep() });
      observe(
        await svc.sendInstagramMessage('42', `${text} ${'x'.repeat(1000)}`, 'c').catch((e: unknown) => e),
      );
      observe(await svc.sendInstagramMessage('', text, 'c').catch((e: unknown) => e));
      observe(await svc.sendInstagramMessage('42', ' \n ', 'c').catch((e: unknown) => e));
      observe(audit.audits);
      observeCall(() => createInstagramService({ accessToken: '', apiVersion: TOKEN }));
      observeCall(() => createInstagramService({ accessToken: TOKEN, apiVersion: TOKEN }));
      vi.stubEnv('INSTAGRAM_ACCESS_TOKEN', '');
      observe(await sendInstagramMessage('42', text, 'c').catch((e: unknown) => e));
      vi.stubEnv('INSTAGRAM_ACCESS_TOKEN', TOKEN);
      intercept(GRAPH, PATH, 500, (t) => echoing(2, t), text, 4);
      vi.stubEnv('INSTAGRAM_API_VERSION', 'v26.0');
      // Module-level service uses the real sleep: keep it to one non-retried failure.
      nock.cleanAll();
      intercept(GRAPH, PATH, 400, (t) => echoing(100, t), text, 1);
      observe(await sendInstagramMessage('42', text, 'c').catch((e: unknown) => e));
      vi.unstubAllEnvs();
      nock.cleanAll();
      assertClean();
    });

    it(`MessagingClient, every send kind and outcome, text "${text.slice(0, 8)}…"`, async () => {
      const open = { conversation: { lastUserMessageAt: NOW - 1000 } };
      const make = (extra: Partial<ConstructorParameters<typeof MessagingClient>[0]> = {}) =>
        new MessagingClient({
          accessToken: TOKEN,
          login: 'instagram',
          clock: { now: () => NOW },
          sleep: recordingSleep(),
          limiter: false,
          timeoutMs: 20,
          ...extra,
        });
      // [send, whether its request carries the text]: Meta can only echo back what it was sent, so the mocked
      // answers to sends without text echo the token (and a placeholder) instead of the canary text.
      const sends: [(c: MessagingClient) => Promise<unknown>, boolean][] = [
        [(c) => c.sendText('U1', text, open), true],
        [(c) => c.sendQuickReplies('U1', text, [{ title: 'ok', payload: 'p' }], open), true],
        [(c) => c.privateReply('C1', text, { comment: { createdAt: NOW } }), true],
        [
          (c) =>
            c.sendText('U1', text, {
              conversation: { lastUserMessageAt: NOW - 3 * 86_400_000 },
              humanAgent: true,
            }),
          true,
        ],
        [(c) => c.sendAttachment('U1', { type: 'image', url: 'https://cdn.example/a.jpg' }, open), false],
        [(c) => c.react('U1', 'mid.1', open), false],
        [(c) => c.senderAction('U1', 'typing_on', open), false],
      ];
      for (const [, status, body] of SERVICE_SCENARIOS) {
        for (const [send, carriesText] of sends) {
          intercept(IG, PATH, status, body, carriesText ? text : 'placeholder', 4);
          observe(await send(make()).catch((e: unknown) => e));
          nock.cleanAll();
        }
      }
      // Refusals before any call: policy, input, limiter, configuration.
      const c = make();
      observe(
        await c
          .sendText('U1', text, { conversation: { lastUserMessageAt: NOW - 9 * 86_400_000 } })
          .catch((e: unknown) => e),
      );
      observe(
        await c
          .privateReply('C1', text, { comment: { createdAt: NOW, privateReplySentAt: NOW } })
          .catch((e: unknown) => e),
      );
      observe(await c.sendText('U1', `${text}${'y'.repeat(1000)}`, open).catch((e: unknown) => e));
      const limiter = new SendLimiter({ rates: { text: { limit: 1, intervalMs: 60_000 } }, maxWaitMs: 1 });
      const limited = make({ limiter });
      intercept(IG, PATH, 200, () => ({ recipient_id: 'U1', message_id: 'm' }), text, 1);
      observe(await limited.sendText('U1', text, open).catch((e: unknown) => e));
      observe(await limited.sendText('U1', text, open).catch((e: unknown) => e));
      observeCall(() => new MessagingClient({ accessToken: TOKEN, login: 'facebook' }));
      observeCall(
        () =>
          new MessagingClient({
            accessToken: TOKEN,
            login: 'instagram',
            baseUrl: `https://x.example/?t=${TOKEN}`,
          }),
      );
      observeCall(
        () =>
          new MessagingClient({
            accessToken: TOKEN,
            login: 'instagram',
            baseUrl: `not a url ${TOKEN} ${text}`,
          }),
      );
      // A retry wait cut short by a sleep that rejects with the secrets in its reason.
      intercept(IG, PATH, 500, (t) => echoing(2, t), text, 1);
      const interrupted = make({ sleep: () => Promise.reject(new Error(`${TOKEN} ${text}`)) });
      observe(await interrupted.sendText('U1', text, open).catch((e: unknown) => e));
      observe(c);
      nock.cleanAll();
      assertClean();
    });

    it(`service unexpected failures and interrupted waits, text "${text.slice(0, 8)}…"`, async () => {
      const audit = recordingAudit();
      const broken = createInstagramService({
        accessToken: TOKEN,
        audit,
        sleep: recordingSleep(),
        now: () => {
          throw new Error(`clock ${TOKEN} ${text}`);
        },
      });
      intercept(GRAPH, PATH, 200, () => ({ recipient_id: '42', message_id: 'm' }), text, 1);
      observe(await broken.sendInstagramMessage('42', text, 'c').catch((e: unknown) => e));
      nock.cleanAll();
      intercept(GRAPH, PATH, 429, (t) => echoing(4, t), text, 1);
      const interrupted = createInstagramService({
        accessToken: TOKEN,
        audit,
        sleep: () => Promise.reject(new Error(`${TOKEN} ${text}`)),
      });
      observe(await interrupted.sendInstagramMessage('42', text, 'c').catch((e: unknown) => e));
      observe(audit.audits);
      observe(audit.security);
      expect(audit.audits.map((e) => e.metadata.error_code)).toEqual(['UNEXPECTED_ERROR', 'RATE_LIMITED']);
      nock.cleanAll();
      assertClean();
    });

    it(`webhook errors and verification results, text "${text.slice(0, 8)}…"`, () => {
      const bodies: unknown[] = [
        `{"entry": [${JSON.stringify(text)}, "${TOKEN}"`,
        Buffer.from(`not json ${text} ${TOKEN}`),
        { object: 'instagram', entries: [{ text, token: TOKEN }] },
        JSON.stringify({ object: text, entry: TOKEN }),
        null,
      ];
      for (const body of bodies) observeCall(() => parseWebhook(body));
      const signed = JSON.stringify({ entry: [{ messaging: [{ message: { mid: 'm', text } }] }] });
      observeCall(() => checkSignature(signed, `sha256=${'0'.repeat(64)}`, TOKEN));
      observeCall(() => checkSignature(signed, `sha256=${TOKEN}`, TOKEN));
      observeCall(() => checkSignature(signed, TOKEN, 'app-secret-0001'));
      observeCall(() => verifySignature(text, signWebhookBody(text, TOKEN), 'wrong-secret-000'));
      observeCall(() =>
        verifySubscription(`hub.mode=subscribe&hub.verify_token=${TOKEN}&hub.challenge=1`, 'expected-0001'),
      );
      observeCall(() =>
        verifySubscription({ 'hub.mode': text, 'hub.verify_token': TOKEN, 'hub.challenge': '1' }, TOKEN),
      );
      assertClean();
    });
  }

  it('the canary itself works: every path was reached, events reached stderr, a leak would be caught', () => {
    expect([...reached].sort()).toEqual(
      [
        'EMPTY_MESSAGE',
        'INVALID_API_VERSION',
        'INVALID_BASE_URL',
        'INVALID_RECIPIENT',
        'INVALID_REQUEST',
        'INVALID_RESPONSE',
        'INVALID_WEBHOOK_PAYLOAD',
        'MESSAGE_TOO_LONG',
        'MESSAGING_WINDOW_CLOSED',
        'META_SERVER_ERROR',
        'MISSING_ACCESS_TOKEN',
        'MISSING_PAGE_ID',
        'NETWORK_ERROR',
        'PERMISSION_DENIED',
        'PRIVATE_REPLY_USED',
        'RATE_LIMITED',
        'RECIPIENT_NOT_FOUND',
        'RECIPIENT_UNAVAILABLE',
        'SEND_WAIT_TOO_LONG',
        'TIMEOUT',
        'TOKEN_INVALID',
        'UNEXPECTED_ERROR',
        'outcome:sent',
        'outcome:unknown',
      ].sort(),
    );
    const all = captured.join('\n');
    expect(all).toContain('"type":"audit"');
    expect(all).toContain('"type":"security"');
    expect(all).toContain('MESSAGING_WINDOW_CLOSED');
    const before = captured.length;
    record(`oops ${TOKEN}`);
    expect(() => assertClean()).toThrow();
    captured.length = before;
  });
});
