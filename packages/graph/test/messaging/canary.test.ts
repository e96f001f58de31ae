/**
 * Canary: every path of the service contract and of MessagingClient runs with a known token and known
 * message texts; none of them may appear in any audit/security event, error (message, stack, String,
 * JSON, inspect), result, or line written to stdout/stderr/console.
 */
import { inspect } from 'node:util';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createInstagramService,
  type MessagingAuditSink,
  MessagingClient,
  SendLimiter,
  sendInstagramMessage,
} from '../../src/messaging/index.js';
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

/** Everything observable about an outcome, as text. */
function observe(outcome: unknown): void {
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

function assertClean(): void {
  const all = captured.join('\n');
  expect(all).not.toContain(TOKEN);
  for (const t of TEXTS) expect(all).not.toContain(t);
  // Token fragments are scrubbed too (e.g. a truncated echo).
  expect(all).not.toContain(TOKEN.slice(0, 12));
}

/** A Meta error envelope that echoes the secrets back everywhere it can. */
const echoing = (code: number, text: string, subcode?: number) => ({
  error: {
    message: `Invalid OAuth access token ${TOKEN} while sending "${text}"`,
    type: TOKEN,
    code,
    ...(subcode !== undefined ? { error_subcode: subcode } : {}),
    fbtrace_id: text.includes(' ') ? TOKEN : text,
    error_user_title: text,
    error_user_msg: `${text} ${TOKEN}`,
  },
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
      observe(audit.audits);
      try {
        createInstagramService({ accessToken: '', apiVersion: TOKEN });
      } catch (e) {
        observe(e);
      }
      try {
        createInstagramService({ accessToken: TOKEN, apiVersion: TOKEN });
      } catch (e) {
        observe(e);
      }
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
      const sends: ((c: MessagingClient) => Promise<unknown>)[] = [
        (c) => c.sendText('U1', text, open),
        (c) => c.sendQuickReplies('U1', text, [{ title: 'ok', payload: 'p' }], open),
        (c) => c.privateReply('C1', text, { comment: { createdAt: NOW } }),
        (c) =>
          c.sendText('U1', text, {
            conversation: { lastUserMessageAt: NOW - 3 * 86_400_000 },
            humanAgent: true,
          }),
      ];
      for (const [, status, body] of SERVICE_SCENARIOS) {
        for (const send of sends) {
          intercept(IG, PATH, status, body, text, 4);
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
      try {
        new MessagingClient({ accessToken: TOKEN, login: 'facebook' });
      } catch (e) {
        observe(e);
      }
      try {
        new MessagingClient({
          accessToken: TOKEN,
          login: 'instagram',
          baseUrl: `https://x.example/?t=${TOKEN}`,
        });
      } catch (e) {
        observe(e);
      }
      try {
        new MessagingClient({
          accessToken: TOKEN,
          login: 'instagram',
          baseUrl: `not a url ${TOKEN} ${text}`,
        });
      } catch (e) {
        observe(e);
      }
      observe(c);
      nock.cleanAll();
      assertClean();
    });
  }

  it('the canary itself works: events reached stderr, and a leaked token would be caught', () => {
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
