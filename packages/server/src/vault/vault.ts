/**
 * The token vault's cipher: AES-256-GCM with a random 96-bit IV per value. A sealed value names the key that
 * sealed it (`v1.<keyId>.<iv>.<tag>.<ciphertext>`, base64url), so after a rotation values sealed with the
 * previous key still open and are re-sealed with the current one (lazily, or by {@link rotateSecrets}).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A sealed value could not be opened (wrong key, tampered, or not a vault value). Never carries the value. */
export class VaultError extends Error {
  override readonly name = 'VaultError' as const;
  readonly code: 'UNKNOWN_KEY' | 'TAMPERED' | 'MALFORMED';
  constructor(code: VaultError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** Short public id of a key: the first 12 hex digits of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export interface Opened {
  plaintext: string;
  /** Sealed with a previous key: re-seal it. */
  stale: boolean;
}

export class Vault {
  readonly keyId: string;
  readonly #key: Buffer;
  readonly #previous = new Map<string, Buffer>();

  readonly #macKey: Buffer;

  constructor(key: Buffer, previous: readonly Buffer[] = []) {
    if (key.length !== 32) throw new Error('the vault key must be 32 bytes');
    this.#key = key;
    this.#macKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'igkit text mac', 32));
    this.keyId = keyIdOf(key);
    for (const p of previous) if (p.length === 32) this.#previous.set(keyIdOf(p), p);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      'v1',
      this.keyId,
      iv.toString('base64url'),
      tag.toString('base64url'),
      ct.toString('base64url'),
    ].join('.');
  }

  open(sealed: string): Opened {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1')
      throw new VaultError('MALFORMED', 'not a sealed vault value');
    const [, keyId, iv, tag, ct] = parts as [string, string, string, string, string];
    const key = keyId === this.keyId ? this.#key : this.#previous.get(keyId);
    if (!key)
      throw new VaultError(
        'UNKNOWN_KEY',
        `a value is sealed with key ${keyId}, which is neither IGKIT_SECRET_KEY nor IGKIT_SECRET_KEY_PREVIOUS`,
      );
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const pt = Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
      return { plaintext: pt.toString('utf8'), stale: key !== this.#key };
    } catch {
      throw new VaultError('TAMPERED', `a value sealed with key ${keyId} failed authentication`);
    }
  }

  /** Keyed hash of a text (matching an echo to an unknown send) that reveals nothing without the key. */
  mac(text: string): string {
    return createHmac('sha256', this.#macKey).update(text, 'utf8').digest('base64url');
  }

  /** Whether `sealed` was sealed with the current key. */
  isCurrent(sealed: string): boolean {
    return sealed.split('.')[1] === this.keyId;
  }
}

/** Where the development key file lives: next to the data directory. */
export function keyFilePath(dataDir: string): string {
  return join(dirname(dataDir), 'secret.key');
}

/**
 * The development key: read from the key file, or created on first start with mode 0600. Production
 * refuses this path (config requires IGKIT_SECRET_KEY there).
 */
export function loadOrCreateKeyFile(path: string): { key: Buffer; created: boolean } {
  if (existsSync(path)) {
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`the key file ${path} does not hold 32 bytes in base64`);
    return { key, created: false };
  }
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { key, created: true };
}
