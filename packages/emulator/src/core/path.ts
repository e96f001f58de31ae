/** Path helpers shared by the router, faults and diagnostics. */

/** Splits a path into non-empty, URI-decoded segments. */
export function splitPath(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}
