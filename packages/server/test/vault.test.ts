import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/log/logger.js';
import { createService } from '../src/service.js';
import { accountToken } from '../src/store/accounts.js';
import { keyIdOf, loadOrCreateKeyFile, Vault, VaultError } from '../src/vault/vault.js';
import { ENGINES, type TestStore, testStore } from './helpers/store.js';

const KEY_A = Buffer.alloc(32, 1);
const KEY_B = Buffer.alloc(32, 2);

describe('vault cipher', () => {
  it('round-trips, uses a fresh IV each time, and detects tampering and unknown keys', () => {
    const v = new Vault(KEY_A);
    const a = v.seal('EAAB-secret-token');
    const b = v.seal('EAAB-secret-token');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(v.open(a)).toEqual({ plaintext: 'EAAB-secret-token', stale: false });
    const parts = a.split('.');
    parts[4] = Buffer.from('x').toString('base64url') + (parts[4] ?? '').slice(2);
    expect(() => v.open(parts.join('.'))).toThrow(VaultError);
    expect(() => new Vault(KEY_B).open(a)).toThrow(/neither IGKIT_SECRET_KEY nor IGKIT_SECRET_KEY_PREVIOUS/);
    expect(() => v.open('plain text')).toThrow(/not a sealed vault value/);
  });

  it('opens values sealed with the previous key and flags them stale', () => {
    const old = new Vault(KEY_A).seal('tok');
    const rotated = new Vault(KEY_B, [KEY_A]);
    expect(rotated.open(old)).toEqual({ plaintext: 'tok', stale: true });
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.keyId).toBe(keyIdOf(KEY_B));
  });

  it('creates the development key file once, with mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'igkit-key-'));
    try {
      const path = join(dir, 'secret.key');
      const first = loadOrCreateKeyFile(path);
      expect(first.created).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const again = loadOrCreateKeyFile(path);
      expect(again).toEqual({ key: first.key, created: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(ENGINES)('token vault in the store (%s)', (engine) => {
  let store: TestStore;
  afterEach(async () => store?.cleanup());

  it('stores no token in plain text (whole-database dump), re-seals lazily after rotation, and rotates the rest by command', async () => {
    store = testStore(engine);
    const db = await store.open();
    const token = 'IGQVJ-canary-token-0123456789';
    const env = (extra: Record<string, string> = {}) =>
      loadConfig({
        IGKIT_DATA_DIR: store.config.dataDir,
        IGKIT_SECRET_KEY: KEY_A.toString('base64'),
        ...extra,
      });
    const svc = await createService({ config: env(), db, log: silentLogger(), supervise: false });
    await svc.connectAccount({ id: '1001', loginType: 'instagram', accessToken: token });
    await svc.connectAccount({ id: '1002', loginType: 'instagram', accessToken: `${token}-2` });
    await svc.stop();

    const dump = await db.query<{ t: string }>(
      `SELECT string_agg(row_to_json(x)::text, '\n') AS t FROM (SELECT * FROM accounts) x`,
    );
    expect(dump.rows[0]?.t).not.toContain(token);
    const everything = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
      [db.schema],
    );
    for (const { table_name } of everything.rows) {
      const rows = await db.query<{ t: string | null }>(
        `SELECT string_agg(row_to_json(x)::text, '') AS t FROM "${table_name}" x`,
      );
      expect(rows.rows[0]?.t ?? '', table_name).not.toContain(token);
    }

    // Rotate: KEY_B is current, KEY_A previous.
    const rotated = await createService({
      config: env({
        IGKIT_SECRET_KEY: KEY_B.toString('base64'),
        IGKIT_SECRET_KEY_PREVIOUS: KEY_A.toString('base64'),
      }),
      db,
      log: silentLogger(),
      supervise: false,
    });
    expect(await accountToken(db, rotated.vault, '1001')).toBe(token); // lazy re-seal on read
    const ids = await db.query<{ id: string; token_key_id: string }>(
      'SELECT id, token_key_id FROM accounts ORDER BY id',
    );
    expect(ids.rows).toEqual([
      { id: '1001', token_key_id: keyIdOf(KEY_B) },
      { id: '1002', token_key_id: keyIdOf(KEY_A) },
    ]);
    expect(await rotated.rotateSecrets()).toEqual({ resealed: 1 });
    await rotated.stop();

    // The previous key can now be retired.
    const onlyB = await createService({
      config: env({ IGKIT_SECRET_KEY: KEY_B.toString('base64') }),
      db,
      log: silentLogger(),
      supervise: false,
    });
    expect(await accountToken(db, onlyB.vault, '1002')).toBe(`${token}-2`);
    await onlyB.stop();
    await db.close();
  });
});
