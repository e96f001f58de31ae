/**
 * Credential scrubbing for every string that leaves the client: error messages, stacks, hook payloads.
 *
 * Two steps: (1) credential-shaped fragments (`access_token=…`, `Bearer …`) whatever their value, then
 * (2) every known secret, longest first, in ONE left-to-right pass, replaced by `[REDACTED]`. If a secret
 * still occurs afterwards (a contrived secret completed by the placeholder itself), the text is redone
 * with a placeholder sharing no character with any secret: then no occurrence can touch a placeholder, so
 * it would lie inside a stretch the single pass already scanned — the output provably holds no secret.
 */

/**
 * Query/form parameter names whose values are credentials. `code` is the OAuth authorization code (exchanged
 * for a token at `/oauth/access_token`): as good as a token until it is used.
 */
export const CREDENTIAL_PARAMS: readonly string[] = [
  'access_token',
  'appsecret_proof',
  'client_secret',
  'code',
  'fb_exchange_token',
  'input_token',
  'refresh_token',
];

const PLACEHOLDERS = ['[REDACTED]', '<redacted>', '***', '###', '~~~', '___'];

const PARAM_PATTERN = new RegExp(`\\b(${CREDENTIAL_PARAMS.join('|')})=([^&\\s"'<>]+)`, 'g');
// Long opaque strings after an auth scheme ("Invalid OAuth access token" must survive: 'access' is short).
const AUTH_SCHEME_PATTERN = /\b(Bearer|OAuth)(\s+)[A-Za-z0-9._~+/=|-]{16,}/g;

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * The pattern source for one secret variant: literal text, except that each percent-escape matches in either
 * case (`%3D` and `%3d` decode the same; clients and proxies emit both).
 */
function variantPattern(text: string): string {
  return escapeRegExp(text).replace(/%([0-9A-Fa-f])([0-9A-Fa-f])/g, (_m, a: string, b: string) => {
    const either = (ch: string): string =>
      /[A-Fa-f]/.test(ch) ? `[${ch.toUpperCase()}${ch.toLowerCase()}]` : ch;
    return `%${either(a)}${either(b)}`;
  });
}

function placeholderFor(secrets: readonly string[]): string {
  const used = new Set<string>();
  for (const secret of secrets) for (const ch of secret) used.add(ch);
  const fixed = PLACEHOLDERS.find((candidate) => ![...candidate].some((ch) => used.has(ch)));
  if (fixed !== undefined) return fixed;
  // Every candidate collides (a hostile secret): use a repeated code point no secret contains.
  let code = 0x2588;
  while (used.has(String.fromCodePoint(code))) code += 1;
  return String.fromCodePoint(code).repeat(3);
}

/**
 * Returns the encodings under which a secret could show up in text we produce or receive:
 * raw, `encodeURIComponent`, form-encoded and JSON-escaped.
 */
export function secretVariants(secret: string): string[] {
  if (secret === '') return [];
  const variants = new Set<string>([secret]);
  try {
    variants.add(encodeURIComponent(secret));
  } catch {
    // lone surrogates cannot be URI-encoded; nothing else to add
  }
  variants.add(new URLSearchParams({ s: secret }).toString().slice(2));
  variants.add(JSON.stringify(secret).slice(1, -1));
  return [...variants].filter((v) => v !== '');
}

interface CompiledSecrets {
  /** Distinct secrets, longest first. */
  unique: string[];
  pattern: RegExp | undefined;
}

// A client passes the same frozen secrets array on every call: compile its pattern once.
const COMPILED = new WeakMap<readonly string[], CompiledSecrets>();

function compiled(secrets: readonly string[]): CompiledSecrets {
  const cached = COMPILED.get(secrets);
  if (cached) return cached;
  const unique = [...new Set(secrets.filter((s) => typeof s === 'string' && s !== ''))].sort(
    (a, b) => b.length - a.length,
  );
  const pattern = unique.length > 0 ? new RegExp(unique.map(variantPattern).join('|'), 'g') : undefined;
  const result = { unique, pattern };
  // Only frozen arrays are cached: a caller mutating its array must not get a stale pattern.
  if (Object.isFrozen(secrets)) COMPILED.set(secrets, result);
  return result;
}

/**
 * Replaces every occurrence of each secret (and credential-shaped fragments such as `access_token=…`)
 * in `text`. Pure; never throws.
 *
 * @example redact('bad token EAAB123 in request', ['EAAB123']) // → 'bad token [REDACTED] in request'
 */
export function redact(text: string, secrets: readonly string[]): string {
  const { unique, pattern } = compiled(secrets);
  const pass = (placeholder: string): string => {
    const out = String(text)
      .replace(PARAM_PATTERN, (_m, name: string) => `${name}=${placeholder}`)
      .replace(AUTH_SCHEME_PATTERN, (_m, scheme: string, space: string) => `${scheme}${space}${placeholder}`);
    return pattern ? out.replace(pattern, placeholder) : out;
  };
  const readable = pass(PLACEHOLDERS[0]!);
  // The usual placeholder can combine with surrounding text into a secret only for contrived secrets;
  // then fall back to one that shares no character with any secret (provably leak-free).
  return unique.some((s) => readable.includes(s)) || (pattern !== undefined && matches(pattern, readable))
    ? pass(placeholderFor(unique.flatMap((u) => [u, u.toLowerCase(), u.toUpperCase()])))
    : readable;
}

function matches(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}

/**
 * Redacts a URL for display: drops credential query parameters (token, proof, secrets) entirely,
 * then scrubs any remaining secret text.
 */
export function redactUrl(url: string, secrets: readonly string[]): string {
  let shown = url;
  try {
    const parsed = new URL(url);
    for (const name of CREDENTIAL_PARAMS) parsed.searchParams.delete(name);
    shown = parsed.toString();
  } catch {
    // not a URL: fall through to plain text redaction
  }
  return redact(shown, secrets);
}
