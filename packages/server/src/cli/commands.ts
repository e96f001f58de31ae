/**
 * The CLI commands that talk to the running service's API: posts, schedule (one, or bulk from CSV/JSON),
 * cancel, send, dead letters, audit, accounts, keys.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { POST_STATES } from '../scheduler/post-states.js';
import { POST_KINDS } from '../store/posts.js';
import { type ApiClient, apiClient, CliError, EXIT, query } from './client.js';
import { out } from './output.js';

interface Post {
  id: string;
  accountId: string;
  kind: string;
  state: string;
  publishAt: string;
  permalink?: string;
  caption?: string;
  lastError?: { code: string; message: string };
  timeline?: Array<{ at: string; from: string | null; to: string; reason: string }>;
}

const TERMINAL = ['published', 'failed', 'needs_attention', 'cancelled'];
const SCOPES = ['posts:read', 'posts:write', 'messages:read', 'messages:write', 'admin'];

/** `now`, `+90s`, `+10m`, `+2h`, `+1d`, or an ISO 8601 date-time (with offset or Z). */
export function parseWhen(value: string, now = Date.now()): string {
  if (value === 'now') return new Date(now).toISOString();
  const rel = /^\+(\d+)([smhd])$/.exec(value);
  if (rel) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now + Number(rel[1]) * unit).toISOString();
  }
  const d = new Date(value);
  if (!/^\d{4}-\d\d-\d\dT/.test(value) || Number.isNaN(d.getTime()))
    throw new InvalidArgumentError(
      'expected now, +10m / +2h / +1d, or a date-time like 2026-12-01T09:00:00Z',
    );
  return d.toISOString();
}

/** {@link parseWhen} for a value checked inside an action (a usage error, printed as one line). */
function whenOption(name: string, value: string): string {
  try {
    return parseWhen(value);
  } catch (e) {
    throw new CliError(`${name}: ${(e as Error).message}`, EXIT.usage);
  }
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('expected an integer 1–1000');
  return n;
}

const postRow = (p: Post) => ({
  id: p.id,
  state: p.state,
  kind: p.kind,
  publishAt: p.publishAt,
  permalink: p.permalink ?? (p.lastError ? `${p.lastError.code}` : ''),
});

/** The one connected account, when `--account` is not given. */
async function defaultAccount(api: ApiClient): Promise<string> {
  const { data } = await api.request<{ data: Array<{ id: string }> }>('GET', '/v1/accounts');
  if (data.length === 1 && data[0]) return data[0].id;
  throw new CliError(
    data.length === 0 ? 'no account is connected' : 'several accounts are connected: pass --account <id>',
    EXIT.usage,
    'list them with `igkit accounts list`',
  );
}

/** Waits until the post reaches a final state, showing its state as it goes (stderr). */
async function waitForPost(api: ApiClient, id: string, timeoutMs: number): Promise<Post> {
  const tty = process.stderr.isTTY;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: ' {bar} {state} ({seconds}s)',
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const started = Date.now();
  bar?.start(4, 0, { state: 'scheduled', seconds: 0 });
  const steps: Record<string, number> = { scheduled: 1, publishing: 2, published: 4 };
  let last = '';
  try {
    for (;;) {
      const post = await api.request<Post>('GET', `/v1/posts/${encodeURIComponent(id)}`);
      const seconds = Math.round((Date.now() - started) / 1000);
      bar?.update(steps[post.state] ?? 3, { state: post.state, seconds });
      if (!tty && post.state !== last) process.stderr.write(`${id}: ${post.state}\n`);
      last = post.state;
      if (TERMINAL.includes(post.state)) return post;
      if (Date.now() - started > timeoutMs)
        throw new CliError(
          `still ${post.state} after ${seconds}s`,
          EXIT.failed,
          `follow it with \`igkit post ${id}\``,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    bar?.stop();
  }
}

/** Minimal RFC 4180 CSV: quoted fields, doubled quotes, commas and newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

/** Rows of a bulk file as API bodies. CSV columns: accountId, kind, publishAt, caption, media (urls separated by spaces), hashtags, coverUrl, idempotencyKey. */
export function readBulkFile(path: string): Array<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      EXIT.usage,
    );
  }
  if (extname(path).toLowerCase() === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CliError(`${path} is not valid JSON`, EXIT.usage, 'expected an array of post objects');
    }
    if (!Array.isArray(parsed)) throw new CliError(`${path}: expected an array of post objects`, EXIT.usage);
    return parsed as Array<Record<string, unknown>>;
  }
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const cols = header.map((h) => h.trim());
  return rows.map((r) => {
    const o: Record<string, string> = {};
    cols.forEach((c, i) => {
      const v = (r[i] ?? '').trim();
      if (v !== '') o[c] = v;
    });
    const { media, hashtags, publishAt, ...rest } = o;
    return {
      ...rest,
      ...(publishAt ? { publishAt: safeWhen(publishAt) } : {}),
      media: (media ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((url) => ({ url })),
      ...(hashtags ? { hashtags: hashtags.split(/[\s,]+/).filter(Boolean) } : {}),
    };
  });
}

function safeWhen(v: string): string {
  try {
    return parseWhen(v);
  } catch {
    return v; // the API names the field and the rule
  }
}

async function bulkSchedule(api: ApiClient, file: string, json: boolean): Promise<number> {
  const rows = readBulkFile(file);
  const o = out();
  const bar =
    process.stderr.isTTY && !json
      ? new cliProgress.SingleBar(
          { format: ' {bar} {value}/{total} rows', stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(rows.length, 0);
  const results: Array<{
    row: number;
    id?: string;
    state?: string;
    error?: { code: string; message: string };
  }> = [];
  for (const [i, body] of rows.entries()) {
    const row = i + 2 - (extname(file).toLowerCase() === '.json' ? 1 : 0);
    try {
      const post = await api.request<Post>('POST', '/v1/posts', body);
      results.push({ row, id: post.id, state: post.state });
    } catch (e) {
      if (!(e instanceof CliError) || e.exitCode === EXIT.unreachable) throw e;
      const [code, ...rest] = e.message.split(': ');
      results.push({ row, error: { code: code ?? 'ERROR', message: rest.join(': ') } });
    }
    bar?.increment();
  }
  bar?.stop();
  const failed = results.filter((r) => r.error);
  if (json) o.json({ scheduled: results.length - failed.length, failed: failed.length, rows: results });
  else {
    for (const r of results)
      if (r.error) o.note(`row ${r.row}: ${r.error.code}: ${r.error.message}`);
      else o.line(`row ${r.row}: scheduled ${r.id}`);
    o.note(`${results.length - failed.length} scheduled, ${failed.length} failed`);
  }
  return failed.length > 0 ? EXIT.failed : EXIT.ok;
}

export function registerApiCommands(program: Command, setExit: (code: number) => void): void {
  const api = () => apiClient();
  const o = out();

  program
    .command('posts')
    .description('list posts (oldest publishAt first)')
    .addOption(new Option('--state <state>', 'only this state').choices(POST_STATES))
    .option('--account <id>', 'only this account')
    .option('--from <when>', 'publishAt at or after', (v) => parseWhen(v))
    .option('--to <when>', 'publishAt before', (v) => parseWhen(v))
    .option('--limit <n>', 'page size', positive, 50)
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--json', 'print JSON only')
    .action(
      async (opts: {
        state?: string;
        account?: string;
        from?: string;
        to?: string;
        limit: number;
        cursor?: string;
        json?: boolean;
      }) => {
        const page = await api().request<{ data: Post[]; nextCursor?: string }>(
          'GET',
          `/v1/posts${query({ state: opts.state, accountId: opts.account, from: opts.from, to: opts.to, limit: opts.limit, cursor: opts.cursor })}`,
        );
        if (opts.json) return o.json(page);
        o.table(page.data.map(postRow), ['id', 'state', 'kind', 'publishAt', 'permalink']);
        if (page.nextCursor) o.note(`more: igkit posts --cursor ${page.nextCursor}`);
      },
    );

  program
    .command('post <id>')
    .description('show one post with its state timeline')
    .option('--json', 'print JSON only')
    .action(async (id: string, opts: { json?: boolean }) => {
      const post = await api().request<Post>('GET', `/v1/posts/${encodeURIComponent(id)}`);
      if (opts.json) return o.json(post);
      o.line(`${post.id}  ${post.kind}  ${post.state}  account ${post.accountId}`);
      o.line(`publishAt ${post.publishAt}${post.permalink ? `  ${post.permalink}` : ''}`);
      if (post.lastError) o.line(`last error ${post.lastError.code}: ${post.lastError.message}`);
      o.table(
        (post.timeline ?? []).map((e) => ({ at: e.at, from: e.from ?? '', to: e.to, reason: e.reason })),
        ['at', 'from', 'to', 'reason'],
      );
    });

  program
    .command('schedule')
    .description('schedule a post, or many from a CSV/JSON file (--file)')
    .option('--account <id>', 'IG account id (default: the only connected account)')
    .addOption(new Option('--kind <kind>', 'post kind').choices(POST_KINDS).default('feed'))
    .option('--media <url...>', 'media URLs (2–10 for a carousel)')
    .option('--caption <text>', 'caption')
    .option('--hashtags <tags>', 'comma-separated hashtags')
    .option('--cover <url>', 'reel cover image')
    .option('--at <when>', 'now, +10m, +2h, or a date-time', 'now')
    .option('--key <idempotencyKey>', 'idempotency key: scheduling again with it returns the first post')
    .option(
      '--file <path>',
      'bulk: a .csv (accountId,kind,publishAt,caption,media,hashtags,coverUrl,idempotencyKey) or .json array',
    )
    .option('--wait', 'wait until the post is published (or fails), showing progress')
    .option('--json', 'print JSON only')
    .action(
      async (opts: {
        account?: string;
        kind: string;
        media?: string[];
        caption?: string;
        hashtags?: string;
        cover?: string;
        at: string;
        key?: string;
        file?: string;
        wait?: boolean;
        json?: boolean;
      }) => {
        const client = api();
        if (opts.file) {
          setExit(await bulkSchedule(client, opts.file, opts.json === true));
          return;
        }
        if (!opts.media?.length) throw new CliError('--media <url...> is required (or --file)', EXIT.usage);
        const accountId = opts.account ?? (await defaultAccount(client));
        let post = await client.request<Post>('POST', '/v1/posts', {
          accountId,
          kind: opts.kind,
          media: opts.media.map((url) => ({ url })),
          publishAt: whenOption('--at', opts.at),
          ...(opts.caption ? { caption: opts.caption } : {}),
          ...(opts.hashtags ? { hashtags: opts.hashtags.split(/[\s,]+/).filter(Boolean) } : {}),
          ...(opts.cover ? { coverUrl: opts.cover } : {}),
          ...(opts.key ? { idempotencyKey: opts.key } : {}),
        });
        if (!opts.json) o.note(`scheduled ${post.id} for ${post.publishAt}`);
        if (opts.wait) post = await waitForPost(client, post.id, 10 * 60_000);
        if (opts.json) o.json(post);
        else o.line(`${post.id} ${post.state}${post.permalink ? ` ${post.permalink}` : ''}`);
        if (opts.wait && post.state !== 'published') setExit(EXIT.failed);
      },
    );

  program
    .command('cancel <id>')
    .description('cancel a post that has not started publishing')
    .option('--json', 'print JSON only')
    .action(async (id: string, opts: { json?: boolean }) => {
      const post = await api().request<Post>('POST', `/v1/posts/${encodeURIComponent(id)}/cancel`);
      if (opts.json) o.json(post);
      else o.line(`${post.id} ${post.state}`);
    });

  program
    .command('reschedule <id> <when>')
    .description('move a post to a new time (now, +10m, or a date-time)')
    .option('--json', 'print JSON only')
    .action(async (id: string, when: string, opts: { json?: boolean }) => {
      const publishAt = whenOption('<when>', when);
      const post = await api().request<Post>('POST', `/v1/posts/${encodeURIComponent(id)}/reschedule`, {
        publishAt,
      });
      if (opts.json) o.json(post);
      else o.line(`${post.id} ${post.state} at ${post.publishAt}`);
    });

  program
    .command('send <recipient> <text>')
    .description('send a DM to an Instagram user (IGSID) through the send-message queue')
    .option('--account <id>', 'IG account id (default: the only connected account)')
    .option('--json', 'print JSON only')
    .action(async (recipient: string, text: string, opts: { account?: string; json?: boolean }) => {
      const client = api();
      const accountId = opts.account ?? (await defaultAccount(client));
      const res = await client.request<Record<string, unknown>>('POST', '/v1/messages', {
        accountId,
        recipientId: recipient,
        text,
      });
      if (opts.json) o.json(res);
      else o.line(`queued ${String(res['id'] ?? '')} ${String(res['status'] ?? '')}`.trim());
    });

  const dl = program.command('dead-letters').description('jobs that exhausted their retries');
  dl.command('list', { isDefault: true })
    .description('list dead letters')
    .option('--queue <name>', 'only this queue')
    .addOption(new Option('--status <status>', 'only this status').choices(['open', 'replayed', 'discarded']))
    .option('--limit <n>', 'page size', positive, 50)
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--json', 'print JSON only')
    .action(
      async (opts: { queue?: string; status?: string; limit: number; cursor?: string; json?: boolean }) => {
        const page = await api().request<{ data: Array<Record<string, unknown>>; nextCursor?: string }>(
          'GET',
          `/v1/dead-letters${query({ queue: opts.queue, status: opts.status, limit: opts.limit, cursor: opts.cursor })}`,
        );
        if (opts.json) return o.json(page);
        o.table(page.data, [
          'id',
          'queue',
          'status',
          'errorCategory',
          'errorCode',
          'attempts',
          'lastFailedAt',
        ]);
        if (page.nextCursor) o.note(`more: igkit dead-letters list --cursor ${page.nextCursor}`);
      },
    );
  dl.command('show <id>')
    .description('show one dead letter')
    .option('--json', 'print JSON only')
    .action(async (id: string, opts: { json?: boolean }) => {
      const d = await api().request<Record<string, unknown>>(
        'GET',
        `/v1/dead-letters/${encodeURIComponent(id)}`,
      );
      if (opts.json) return o.json(d);
      for (const [k, v] of Object.entries(d))
        o.line(`${k.padEnd(14)} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    });
  for (const action of ['replay', 'discard'] as const)
    dl.command(`${action} <id>`)
      .description(action === 'replay' ? 'run the job again (idempotent)' : 'close it without running it')
      .option('--json', 'print JSON only')
      .action(async (id: string, opts: { json?: boolean }) => {
        const d = await api().request<Record<string, unknown>>(
          'POST',
          `/v1/dead-letters/${encodeURIComponent(id)}/${action}`,
        );
        if (opts.json) o.json(d);
        else o.line(`${id} ${String(d['status'] ?? action)}`);
      });

  const audit = program.command('audit').description('the audit log (admin key)');
  const auditFilters = (c: Command) =>
    c
      .option('--since <when>', 'at or after (date-time)', (v) => parseWhen(v))
      .option('--until <when>', 'before (date-time)', (v) => parseWhen(v))
      .option('--resource-type <type>', 'e.g. post, ig_account, api_key')
      .option('--resource-id <id>', 'e.g. a post id')
      .option('--correlation-id <id>', 'one request or job')
      .option('--action <action>', 'e.g. post.published');
  type AuditOpts = {
    since?: string;
    until?: string;
    resourceType?: string;
    resourceId?: string;
    correlationId?: string;
    action?: string;
  };
  const auditQuery = (opts: AuditOpts) => ({
    since: opts.since,
    until: opts.until,
    resourceType: opts.resourceType,
    resourceId: opts.resourceId,
    correlationId: opts.correlationId,
    action: opts.action,
  });
  auditFilters(audit.command('list', { isDefault: true }).description('query audit rows'))
    .option('--limit <n>', 'page size', positive, 100)
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--json', 'print JSON only')
    .action(async (opts: AuditOpts & { limit: number; cursor?: string; json?: boolean }) => {
      const page = await api().request<{ data: Array<Record<string, unknown>>; nextCursor?: string }>(
        'GET',
        `/v1/audit${query({ ...auditQuery(opts), limit: opts.limit, cursor: opts.cursor })}`,
      );
      if (opts.json) return o.json(page);
      o.table(page.data, ['id', 'at', 'actor', 'action', 'resourceType', 'resourceId', 'outcome']);
      if (page.nextCursor) o.note(`more: igkit audit --cursor ${page.nextCursor}`);
    });
  auditFilters(audit.command('export').description('every matching row as NDJSON on stdout')).action(
    async (opts: AuditOpts) => {
      const res = await api().raw('GET', `/v1/audit/export${query(auditQuery(opts))}`);
      if (!res.body) return;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) process.stdout.write(chunk);
    },
  );

  const accounts = program.command('accounts').description('connected Instagram accounts');
  accounts
    .command('list', { isDefault: true })
    .description('list accounts and their status')
    .option('--json', 'print JSON only')
    .action(async (opts: { json?: boolean }) => {
      const { data } = await api().request<{ data: Array<Record<string, unknown>> }>('GET', '/v1/accounts');
      if (opts.json) return o.json({ data });
      o.table(data, ['id', 'username', 'loginType', 'status', 'statusReason', 'tokenExpiresAt']);
    });
  accounts
    .command('show <id>')
    .description('one account (status reauth_required = connect it again with a new token)')
    .option('--json', 'print JSON only')
    .action(async (id: string, opts: { json?: boolean }) => {
      const a = await api().request<Record<string, unknown>>('GET', `/v1/accounts/${encodeURIComponent(id)}`);
      if (opts.json) return o.json(a);
      for (const [k, v] of Object.entries(a)) o.line(`${k.padEnd(16)} ${String(v)}`);
    });
  accounts
    .command('connect')
    .description(
      'connect an account or store a new token (admin key); the token is read from an environment variable',
    )
    .requiredOption('--id <igUserId>', 'the IG user id')
    .addOption(
      new Option('--login <type>', 'login type').choices(['instagram', 'facebook']).default('instagram'),
    )
    .option('--page-id <id>', 'Facebook Login: the linked Page id (its Page token goes in the variable)')
    .option(
      '--token-env <name>',
      'variable holding the token (never pass tokens as arguments)',
      'INSTAGRAM_ACCESS_TOKEN',
    )
    .option('--json', 'print JSON only')
    .action(
      async (opts: { id: string; login: string; pageId?: string; tokenEnv: string; json?: boolean }) => {
        const token = process.env[opts.tokenEnv];
        if (!token)
          throw new CliError(
            `${opts.tokenEnv} is not set`,
            EXIT.usage,
            `export ${opts.tokenEnv}=<token> first`,
          );
        const res = await api().request<{ account: Record<string, unknown>; resumedPosts: number }>(
          'POST',
          '/v1/accounts',
          {
            id: opts.id,
            loginType: opts.login,
            accessToken: token,
            ...(opts.pageId ? { pageId: opts.pageId } : {}),
          },
        );
        if (opts.json) return o.json(res);
        o.line(
          `${String(res.account['id'])} ${String(res.account['status'])}; ${res.resumedPosts} parked post(s) resumed`,
        );
      },
    );

  const keys = program.command('keys').description('API keys (admin key)');
  keys
    .command('list', { isDefault: true })
    .description('list keys (never the keys themselves)')
    .option('--json', 'print JSON only')
    .action(async (opts: { json?: boolean }) => {
      const { data } = await api().request<{ data: Array<Record<string, unknown>> }>('GET', '/v1/keys');
      if (opts.json) return o.json({ data });
      o.table(
        data.map((k) => ({ ...k, scopes: (k['scopes'] as string[]).join(',') })),
        ['id', 'name', 'scopes', 'createdAt', 'lastUsedAt', 'revokedAt'],
      );
    });
  keys
    .command('create')
    .description('create a key; it is printed once')
    .requiredOption('--name <name>', 'what it is for')
    .option('--scopes <scopes>', `comma-separated: ${SCOPES.join(', ')}`, 'posts:read')
    .option('--json', 'print JSON only')
    .action(async (opts: { name: string; scopes: string; json?: boolean }) => {
      const scopes = opts.scopes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const k = await api().request<Record<string, unknown>>('POST', '/v1/keys', { name: opts.name, scopes });
      if (opts.json) return o.json(k);
      o.line(String(k['key']));
      o.note(`key ${String(k['id'])} (${scopes.join(',')}): shown only now`);
    });
  keys
    .command('revoke <id>')
    .description('revoke a key')
    .option('--json', 'print JSON only')
    .action(async (id: string, opts: { json?: boolean }) => {
      const k = await api().request<Record<string, unknown>>('DELETE', `/v1/keys/${encodeURIComponent(id)}`);
      if (opts.json) return o.json(k);
      o.line(`${id} revoked`);
    });
  keys
    .command('rotate')
    .description('re-seal stored tokens with the current IGKIT_SECRET_KEY (after a vault key change)')
    .option('--json', 'print JSON only')
    .action(async (opts: { json?: boolean }) => {
      const r = await api().request<{ resealed: number }>('POST', '/v1/keys/rotate-secrets');
      if (opts.json) return o.json(r);
      o.line(`${r.resealed} secret(s) re-sealed`);
    });
}
