/**
 * Who may drive the control plane over the network. A web page must not be able to reset the
 * emulator or mint tokens: a cross-site form or `fetch` (simple request) carries a foreign `Origin`,
 * and DNS rebinding carries a foreign `Host`. So a remote control request needs a loopback (or
 * configured) `Host`, no `Origin` other than the emulator's own, the control token when one is
 * configured, and a JSON media type for a body. In-process calls (`emu.control`) skip these checks.
 */
import { timingSafeEqual } from 'node:crypto';
import { isJsonType, mediaType } from './body.js';

/** Options of the guard. */
export interface ControlAccessOptions {
  /** Extra host names (no port) accepted in `Host`, e.g. `['emulator']` inside Docker. */
  allowedHosts?: readonly string[];
  /** When set, remote control requests must send `X-Igkit-Control-Token: <token>`. */
  controlToken?: string;
}

/** Header carrying the control token. */
export const CONTROL_TOKEN_HEADER = 'x-igkit-control-token';

/** A refusal: HTTP status and message. */
export interface AccessRefusal {
  status: 403 | 401 | 415;
  message: string;
}

/** Host name of a `Host` header value (`[::1]:4010` → `::1`, `LocalHost:1` → `localhost`). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/** Whether a host name is loopback: `localhost`, `*.localhost`, `127.0.0.0/8` or `::1`. */
export function isLoopbackHost(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost') || name === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a remote control request; `undefined` = allowed. */
export function checkControlAccess(
  headers: Record<string, string>,
  bodyLength: number,
  options: ControlAccessOptions,
): AccessRefusal | undefined {
  const host = headers['host'];
  const allowed = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const hostOk = (name: string) => isLoopbackHost(name) || allowed.has(name);
  if (host === undefined || !hostOk(hostName(host)))
    return { status: 403, message: 'control plane: Host must be loopback or an allowed host' };
  const origin = headers['origin'];
  if (origin !== undefined) {
    let same = false;
    try {
      const u = new URL(origin);
      same = u.host.toLowerCase() === host.trim().toLowerCase() && hostOk(hostName(u.host));
    } catch {
      same = false;
    }
    if (!same) return { status: 403, message: 'control plane: cross-origin requests are refused' };
  }
  if (options.controlToken !== undefined) {
    const given = headers[CONTROL_TOKEN_HEADER];
    if (given === undefined || !sameSecret(given, options.controlToken))
      return { status: 401, message: `control plane: missing or wrong ${CONTROL_TOKEN_HEADER} header` };
  }
  if (bodyLength > 0 && !isJsonType(mediaType(headers['content-type'])))
    return { status: 415, message: 'control plane: the body must be JSON (Content-Type: application/json)' };
  return undefined;
}
