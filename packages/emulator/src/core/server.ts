/**
 * The emulator on a real socket (node:http). Body bytes of rupload requests are counted, not kept,
 * so large uploads do not grow memory; other bodies are capped per request and in total across
 * requests in flight. Any failure while answering becomes a JSON 500, never a crash.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorControl } from './control.js';
import type { Emulator } from './emulator.js';
import type { EmulatorRequest, EmulatorResponse } from './http-types.js';

/** Limits of the node:http adapter. */
export interface BodyLimits {
  /** Largest body kept for one non-upload request. @default 16 MiB */
  maxBodyBytes?: number;
  /** Body bytes kept across all requests in flight; past it a request gets 503. @default 64 MiB */
  maxBodyBytesInFlight?: number;
}

/** Options of `listen`. */
export interface ListenOptions extends BodyLimits {
  /** TCP port; default 0 (any free port). */
  port?: number;
  /** Interface; default `127.0.0.1`. */
  host?: string;
}

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:4010` (use as the Graph host; paths `/v26.0/...`). */
  url: string;
  /**
   * Stops every module's background work (webhook deliveries, retry timers), then the server.
   * Rejects with `EmulatorInternalErrors` when the emulator hit a bug of its own while running
   * (unless started with `failOnInternalErrors: false`), so a test suite cannot pass over one.
   */
  close(): Promise<void>;
  /** Typed control plane. */
  control: EmulatorControl;
  /** node:http request listener (mount it in your own server). */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Transport-free request handler. */
  handle: (req: EmulatorRequest) => Promise<EmulatorResponse>;
  /** The underlying emulator (advanced). */
  emulator: Emulator;
}

const MIB = 1024 * 1024;
const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8', connection: 'close' };

/** Header values node:http accepts (no control characters, nothing above latin-1). */
function safeHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    out[k] = /[^\t\x20-\x7e\x80-\xff]/.test(v) ? v.replace(/[^\t\x20-\x7e]/g, '?') : v;
  return out;
}

/** Writes a response; a failure to write falls back to a JSON 500, and never throws. */
function send(res: ServerResponse, out: EmulatorResponse): void {
  try {
    res.writeHead(out.status, { ...safeHeaders(out.headers), 'content-length': Buffer.byteLength(out.body) });
    res.end(out.body);
  } catch {
    fail(res, 500, 'igkit emulator: internal error while writing the response');
  }
}

function fail(res: ServerResponse, status: number, message: string): void {
  try {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, JSON_HEADERS).end(JSON.stringify({ error: { message } }));
  } catch {
    res.destroy();
  }
}

/** Adapts `Emulator.handle` to node:http. */
export function nodeHandler(
  emulator: Emulator,
  limits: BodyLimits = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBody = limits.maxBodyBytes ?? 16 * MIB;
  const maxInFlight = limits.maxBodyBytesInFlight ?? 64 * MIB;
  let inFlight = 0;
  return (req, res) => {
    const url = req.url ?? '/';
    const isUpload = url.startsWith('/rupload/');
    const chunks: Buffer[] = [];
    let length = 0;
    let held = 0;
    let refused = false;
    let finished = false;
    const release = () => {
      inFlight -= held;
      held = 0;
    };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    const run = (aborted: boolean) => {
      if (finished) return;
      finished = true;
      const input: EmulatorRequest = {
        method: req.method ?? 'GET',
        url,
        headers,
        origin,
        aborted,
        bodyLength: length,
        remote: true,
      };
      if (!isUpload) input.body = Buffer.concat(chunks);
      chunks.length = 0;
      void emulator
        .handle(input)
        .then(
          (out) => {
            if (aborted || res.destroyed) return;
            if (out.drop === true) {
              req.socket.destroy();
              return;
            }
            send(res, out);
          },
          () => fail(res, 500, 'igkit emulator: internal error'),
        )
        .finally(release);
    };
    const refuse = (status: number, message: string) => {
      refused = true;
      finished = true;
      chunks.length = 0;
      release();
      fail(res, status, message);
      req.resume();
    };
    req.on('data', (c: Buffer) => {
      if (refused) return;
      length += c.length;
      if (isUpload) return;
      if (length > maxBody) return refuse(413, 'igkit emulator: body too large');
      if (inFlight + c.length > maxInFlight)
        return refuse(503, 'igkit emulator: too many body bytes in flight; retry later');
      inFlight += c.length;
      held += c.length;
      chunks.push(c);
    });
    req.on('end', () => {
      if (!refused) run(false);
    });
    req.on('aborted', () => {
      if (isUpload && length > 0) run(true);
    });
    req.on('close', () => {
      if (!finished) {
        finished = true;
        release();
      }
    });
    req.on('error', () => undefined);
  };
}

/** Puts an emulator on a socket. `close()` closes the emulator's modules, then the socket. */
export async function listen(
  emulator: Emulator,
  options: ListenOptions & { failOnInternalErrors?: boolean } = {},
): Promise<RunningEmulator> {
  const handler = nodeHandler(emulator, options);
  const server = createServer(handler);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    control: emulator.control,
    handler,
    handle: (req) => emulator.handle(req),
    emulator,
    close: async () => {
      try {
        await emulator.close();
      } finally {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      if (options.failOnInternalErrors !== false) emulator.assertNoInternalErrors();
    },
  };
}
