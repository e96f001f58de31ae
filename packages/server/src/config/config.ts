/**
 * One typed configuration, read and validated from the environment at start. A missing or malformed value
 * throws a {@link ConfigError} naming the variable and what is expected; the CLI prints it as one line.
 * docs/configuration.md lists every variable.
 */
import { resolve } from 'node:path';

/** A bad environment variable: `variable` names it, the message says what is expected (never its value). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError' as const;
  readonly variable: string;
  constructor(variable: string, expected: string) {
    super(`${variable}: ${expected}`);
    this.variable = variable;
  }
}

/** Which processes' work this one does. `api` = HTTP API + webhook receiver, `worker` = queue workers. */
export type ServiceRole = 'all' | 'api' | 'worker';

/** Credentials for one Instagram account configured through the environment. */
export interface EnvAccount {
  accessToken: string;
  /** IG user id (Instagram Login) — or the IG user id linked to `pageId` (Facebook Login). */
  accountId: string;
  /** Facebook Login: the Page the account is linked to (messaging goes through it). */
  pageId?: string;
}

export interface ServiceConfig {
  /** `postgres://…` switches from embedded PGlite to PostgreSQL. */
  databaseUrl?: string;
  /** PGlite data directory (also where the lock file and local key file live). */
  dataDir: string;
  /** Schema holding igkit's tables (pg-boss uses `<schema>_jobs`). @default 'igkit' */
  schema: string;
  port: number;
  host: string;
  role: ServiceRole;
  production: boolean;
  /** 32-byte AES key (base64) for the token vault. */
  secretKey?: Buffer;
  /** The previous key, still accepted for reading while tokens are re-encrypted. */
  previousSecretKey?: Buffer;
  /** Base URL of the Graph API (Meta's by default; the emulator's in embedded mode). */
  graphUrl?: string;
  metaAppId?: string;
  metaAppSecret?: string;
  metaVerifyToken?: string;
  /** Set when INSTAGRAM_ACCESS_TOKEN (+ INSTAGRAM_ACCOUNT_ID) are given. */
  account?: EnvAccount;
  /** Webhook body limit in bytes. @default 1 MiB */
  webhookMaxBytes: number;
  /** Days stored message text is kept. @default 30 */
  messageRetentionDays: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** A user's message equal to one of these (trimmed, any case) opts them out. @default STOP, UNSUBSCRIBE */
  optOutKeywords: string[];
  /** … and one of these opts them back in (and records consent). @default START */
  optInKeywords: string[];
  /** Refuse sends to users without recorded consent. @default false */
  consentRequired: boolean;
  /** Turn on the built-in demo rule (acknowledge every DM). @default false */
  demoAutoReply: boolean;
  /**
   * Check each media URL before creating containers (reachable, public address, type, size, dimensions) with the
   * library's preflight, so a bad URL fails with a clear reason instead of Meta's generic media error.
   * @default false
   */
  mediaPreflight: boolean;
  /** The built dashboard served at `/`. @default the installed `@igkit/dashboard` package's `dist/` */
  dashboardDir?: string;
  /**
   * `publish-post` jobs one worker process runs at once. A publish spends its time waiting on Meta (container
   * processing, round trips), not on this process's CPU, so this is well above the core count.
   * @default DEFAULT_PUBLISH_CONCURRENCY
   */
  publishConcurrency: number;
}

/** Default of `IGKIT_PUBLISH_CONCURRENCY` (docs/performance.md, problem 1: how it was chosen). */
export const DEFAULT_PUBLISH_CONCURRENCY = 8;

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected an integer from ${min} to ${max}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `expected an integer from ${min} to ${max}`);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw))
    throw new ConfigError(name, `expected one of ${allowed.join(', ')}`);
  return raw as T;
}

function key(env: Env, name: string): Buffer | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  const buf = /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) ? Buffer.from(raw, 'base64') : Buffer.alloc(0);
  if (buf.length !== 32)
    throw new ConfigError(name, 'expected 32 random bytes in base64 (e.g. `openssl rand -base64 32`)');
  return buf;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `expected a URL (${protocols.join(' or ')})`);
  }
  if (!protocols.includes(parsed.protocol))
    throw new ConfigError(name, `expected a URL (${protocols.join(' or ')})`);
  return raw;
}

function keywords(env: Env, name: string, fallback: string[]): string[] {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  const list = raw
    .split(',')
    .map((k) => k.trim().toUpperCase())
    .filter((k) => k !== '');
  if (list.length === 0 || list.some((k) => k.length > 64))
    throw new ConfigError(name, 'expected a comma-separated list of keywords (each up to 64 characters)');
  return list;
}

function bool(env: Env, name: string): boolean {
  const raw = str(env, name)?.toLowerCase();
  if (raw === undefined || raw === 'false' || raw === '0' || raw === 'no') return false;
  if (raw === 'true' || raw === '1' || raw === 'yes') return true;
  throw new ConfigError(name, 'expected true or false');
}

function digits(env: Env, name: string): string | undefined {
  const raw = str(env, name);
  if (raw !== undefined && !/^\d{1,32}$/.test(raw)) throw new ConfigError(name, 'expected a numeric id');
  return raw;
}

function schemaName(env: Env): string {
  const raw = str(env, 'IGKIT_DB_SCHEMA') ?? 'igkit';
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(raw))
    throw new ConfigError('IGKIT_DB_SCHEMA', 'expected a lower-case SQL identifier (letters, digits, _)');
  return raw;
}

function envAccount(env: Env): EnvAccount | undefined {
  const token = str(env, 'INSTAGRAM_ACCESS_TOKEN');
  const accountId = digits(env, 'INSTAGRAM_ACCOUNT_ID');
  const pageId = digits(env, 'INSTAGRAM_PAGE_ID');
  if (token === undefined && accountId === undefined) return undefined;
  if (token === undefined)
    throw new ConfigError('INSTAGRAM_ACCESS_TOKEN', 'required with INSTAGRAM_ACCOUNT_ID');
  if (accountId === undefined)
    throw new ConfigError('INSTAGRAM_ACCOUNT_ID', 'required with INSTAGRAM_ACCESS_TOKEN (the IG user id)');
  return { accessToken: token, accountId, ...(pageId ? { pageId } : {}) };
}

/** Reads and validates the configuration. Throws {@link ConfigError} on the first bad variable. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): ServiceConfig {
  const production = str(env, 'NODE_ENV') === 'production';
  const secretKey = key(env, 'IGKIT_SECRET_KEY');
  if (production && secretKey === undefined)
    throw new ConfigError(
      'IGKIT_SECRET_KEY',
      'required when NODE_ENV=production (32 random bytes in base64; the local key file is for development only)',
    );
  const account = envAccount(env);
  const config: ServiceConfig = {
    dataDir: resolve(cwd, str(env, 'IGKIT_DATA_DIR') ?? '.igkit/data'),
    schema: schemaName(env),
    port: int(env, 'IGKIT_PORT', 8787, 0, 65_535),
    host: str(env, 'IGKIT_HOST') ?? '127.0.0.1',
    role: oneOf(env, 'IGKIT_ROLE', ['all', 'api', 'worker'] as const, 'all'),
    production,
    webhookMaxBytes: int(env, 'IGKIT_WEBHOOK_MAX_BYTES', 1_048_576, 1024, 104_857_600),
    messageRetentionDays: int(env, 'IGKIT_MESSAGE_RETENTION_DAYS', 30, 1, 3650),
    logLevel: oneOf(
      env,
      'IGKIT_LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    optOutKeywords: keywords(env, 'IGKIT_OPT_OUT_KEYWORDS', ['STOP', 'UNSUBSCRIBE']),
    optInKeywords: keywords(env, 'IGKIT_OPT_IN_KEYWORDS', ['START']),
    consentRequired: bool(env, 'IGKIT_CONSENT_REQUIRED'),
    demoAutoReply: bool(env, 'IGKIT_DEMO_AUTOREPLY'),
    mediaPreflight: bool(env, 'IGKIT_MEDIA_PREFLIGHT'),
    publishConcurrency: int(env, 'IGKIT_PUBLISH_CONCURRENCY', DEFAULT_PUBLISH_CONCURRENCY, 1, 64),
  };
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (databaseUrl) config.databaseUrl = databaseUrl;
  if (secretKey) config.secretKey = secretKey;
  const previous = key(env, 'IGKIT_SECRET_KEY_PREVIOUS');
  if (previous) config.previousSecretKey = previous;
  const dashboardDir = str(env, 'IGKIT_DASHBOARD_DIR');
  if (dashboardDir) config.dashboardDir = resolve(cwd, dashboardDir);
  const graphUrl = url(env, 'IGKIT_GRAPH_URL', ['http:', 'https:']);
  if (graphUrl) config.graphUrl = graphUrl;
  const appId = digits(env, 'META_APP_ID');
  if (appId) config.metaAppId = appId;
  const appSecret = str(env, 'META_APP_SECRET');
  if (appSecret) config.metaAppSecret = appSecret;
  const verifyToken = str(env, 'META_VERIFY_TOKEN');
  if (verifyToken) config.metaVerifyToken = verifyToken;
  if (account) {
    config.account = account;
    if (!appSecret)
      throw new ConfigError('META_APP_SECRET', 'required with INSTAGRAM_ACCESS_TOKEN (webhook signatures)');
    if (!verifyToken)
      throw new ConfigError('META_VERIFY_TOKEN', 'required with INSTAGRAM_ACCESS_TOKEN (webhook handshake)');
  }
  return config;
}

/** True when no Meta credentials are configured: the service then embeds the local emulator. */
export function usesEmbeddedEmulator(config: ServiceConfig): boolean {
  return config.account === undefined && config.graphUrl === undefined;
}
