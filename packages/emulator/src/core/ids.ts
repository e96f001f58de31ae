/**
 * Deterministic identifiers. The same seed and the same sequence of calls produce the same ids,
 * tokens and secrets, so users' snapshot tests are stable. `reset()` restarts every sequence.
 */
import { createHash } from 'node:crypto';

/** Numeric prefixes per id kind, so ids look like Meta's (IG user ids start 1784…). */
const PREFIX: Record<string, string> = {
  igUser: '178414',
  page: '1090',
  fbUser: '1000',
  app: '9',
  container: '1790',
  media: '1800',
  igsid: '6000',
  comment: '1791',
  message: '1792',
};

/** Deterministic id/token factory. */
export class IdFactory {
  readonly seed: number;
  readonly #counters = new Map<string, number>();

  constructor(seed = 1) {
    this.seed = seed;
  }

  #tick(kind: string): number {
    const n = (this.#counters.get(kind) ?? 0) + 1;
    this.#counters.set(kind, n);
    return n;
  }

  #digest(kind: string, n: number): Buffer {
    return createHash('sha256').update(`${this.seed}:${kind}:${n}`).digest();
  }

  /**
   * Next numeric id of a kind (e.g. `'igUser'`, `'container'`, `'media'`; any string works, unknown
   * kinds get prefix `'18'`). 17 digits for IG-style kinds, 15 for apps.
   */
  next(kind: string): string {
    const n = this.#tick(kind);
    const prefix = PREFIX[kind] ?? '18';
    const width = (kind === 'app' ? 15 : 17) - prefix.length;
    const seedPart = (Math.abs(Math.trunc(this.seed)) % 997) * 10 ** (width - 4);
    return (
      prefix +
      String(seedPart + n)
        .padStart(width, '0')
        .slice(-width)
    );
  }

  /** Next opaque base64url string of a kind (tokens, message ids, cursors), `length` chars. */
  opaque(kind: string, length = 48): string {
    const n = this.#tick(`opaque:${kind}`);
    let out = '';
    for (let i = 0; out.length < length; i++) out += this.#digest(`${kind}#${i}`, n).toString('base64url');
    return out.slice(0, length);
  }

  /** Next lowercase hex string (app secrets), `length` chars. */
  hex(kind: string, length = 32): string {
    const n = this.#tick(`hex:${kind}`);
    return this.#digest(kind, n).toString('hex').slice(0, length);
  }

  /** A deterministic number in [0, 1) derived from the seed and a key (order-independent). */
  unit(key: string): number {
    return this.#digest(`unit:${key}`, 0).readUInt32BE(0) / 2 ** 32;
  }

  /** Restarts every sequence. */
  reset(): void {
    this.#counters.clear();
  }
}
