import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, usesEmbeddedEmulator } from '../src/config/config.js';

const KEY = Buffer.alloc(32, 9).toString('base64');

describe('config', () => {
  it('has working defaults for a fresh clone (PGlite under ./.igkit/data, 127.0.0.1:8787, embedded emulator)', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c).toMatchObject({
      dataDir: '/srv/app/.igkit/data',
      port: 8787,
      host: '127.0.0.1',
      role: 'all',
      schema: 'igkit',
    });
    expect(c.databaseUrl).toBeUndefined();
    expect(usesEmbeddedEmulator(c)).toBe(true);
  });

  it.each([
    [{ IGKIT_PORT: 'eighty' }, 'IGKIT_PORT', /integer from 0 to 65535/],
    [{ IGKIT_PORT: '70000' }, 'IGKIT_PORT', /integer/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres:/],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', /expected a URL/],
    [{ IGKIT_SECRET_KEY: 'c2hvcnQ=' }, 'IGKIT_SECRET_KEY', /32 random bytes/],
    [{ IGKIT_SECRET_KEY_PREVIOUS: '!!!' }, 'IGKIT_SECRET_KEY_PREVIOUS', /32 random bytes/],
    [{ NODE_ENV: 'production' }, 'IGKIT_SECRET_KEY', /required when NODE_ENV=production/],
    [{ IGKIT_ROLE: 'cron' }, 'IGKIT_ROLE', /one of all, api, worker/],
    [{ IGKIT_GRAPH_URL: 'file:///etc/passwd' }, 'IGKIT_GRAPH_URL', /http: or https:/],
    [{ INSTAGRAM_ACCESS_TOKEN: 'tok' }, 'INSTAGRAM_ACCOUNT_ID', /required with INSTAGRAM_ACCESS_TOKEN/],
    [{ INSTAGRAM_ACCOUNT_ID: '1784' }, 'INSTAGRAM_ACCESS_TOKEN', /required with INSTAGRAM_ACCOUNT_ID/],
    [{ INSTAGRAM_ACCESS_TOKEN: 'tok', INSTAGRAM_ACCOUNT_ID: 'abc' }, 'INSTAGRAM_ACCOUNT_ID', /numeric id/],
    [
      { INSTAGRAM_ACCESS_TOKEN: 'tok', INSTAGRAM_ACCOUNT_ID: '1784' },
      'META_APP_SECRET',
      /webhook signatures/,
    ],
    [{ IGKIT_DB_SCHEMA: 'Robert"); DROP' }, 'IGKIT_DB_SCHEMA', /SQL identifier/],
    [{ IGKIT_WEBHOOK_MAX_BYTES: '10' }, 'IGKIT_WEBHOOK_MAX_BYTES', /integer from 1024/],
    [{ IGKIT_LOG_LEVEL: 'loud' }, 'IGKIT_LOG_LEVEL', /one of fatal/],
  ])('%o → names %s and what is expected, never the value', (env, variable, expected) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(new RegExp(`^${variable}: `));
    expect((error as ConfigError).message).toMatch(expected);
    const value = (env as Record<string, string>)[variable];
    if (value !== undefined && value.length > 3) expect((error as ConfigError).message).not.toContain(value);
  });

  it('reads real credentials and then does not embed the emulator', () => {
    const c = loadConfig({
      INSTAGRAM_ACCESS_TOKEN: 'IGQV-token',
      INSTAGRAM_ACCOUNT_ID: '17841400000000001',
      META_APP_SECRET: 'app-secret',
      META_VERIFY_TOKEN: 'verify',
      IGKIT_SECRET_KEY: KEY,
      NODE_ENV: 'production',
    });
    expect(c.account).toEqual({ accessToken: 'IGQV-token', accountId: '17841400000000001' });
    expect(c.secretKey?.length).toBe(32);
    expect(usesEmbeddedEmulator(c)).toBe(false);
  });
});

describe('messaging config', () => {
  it('reads keywords, consent mode and the demo rule switch', () => {
    const c = loadConfig({
      IGKIT_OPT_OUT_KEYWORDS: 'stop, Arrêt ',
      IGKIT_CONSENT_REQUIRED: 'yes',
      IGKIT_DEMO_AUTOREPLY: '1',
    });
    expect(c.optOutKeywords).toEqual(['STOP', 'ARRÊT']);
    expect(c.optInKeywords).toEqual(['START']);
    expect(c.consentRequired).toBe(true);
    expect(c.demoAutoReply).toBe(true);
    expect(() => loadConfig({ IGKIT_CONSENT_REQUIRED: 'maybe' })).toThrow(
      /IGKIT_CONSENT_REQUIRED: expected true or false/,
    );
    expect(() => loadConfig({ IGKIT_OPT_OUT_KEYWORDS: ' , ' })).toThrow(/IGKIT_OPT_OUT_KEYWORDS/);
  });
});
