/**
 * Graph node ids put in a request path (`/{id}/comments`). Numeric ids (users, media, comments, Pages) and the
 * opaque base64url ids of conversations and messages are accepted; anything else — a `/`, `?`, `#`, `%`, `.`
 * or `..` that would change which path is requested — is refused before any call. The message names the
 * argument, never the value.
 */
const NODE_ID = /^[A-Za-z0-9_=-]+$/;

/** `id` as a path segment; throws a `TypeError` naming `what` when it is not a plain Graph id. */
export function nodeId(id: unknown, what: string): string {
  if (typeof id !== 'string' || !NODE_ID.test(id)) {
    throw new TypeError(`${what} must be a Graph id (letters, digits, '_', '-', '=')`);
  }
  return id;
}
