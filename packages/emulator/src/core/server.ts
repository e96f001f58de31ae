/**
 * `startEmulator()`: the emulator on a real socket (node:http, 127.0.0.1). Body bytes of
 * rupload requests are counted, not kept, so large uploads do not grow memory.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createModules } from '../modules.js';
import type { EmulatorClock } from './clock.js';
import { type EmulatorControl, installControl } from './control.js';
import { Emulator } from './emulator.js';
import type { EmulatorModule, EmulatorRequest, EmulatorResponse } from './types.js';

/** Options of `startEmulator`. */
export interface StartEmulatorOptions {
  /** TCP port; default 0 (any free port). */
  port?: number;
  /** Interface; default `127.0.0.1`. */
  host?: string;
  /** Base time source (default `Date.now`). */
  clock?: EmulatorClock;
  /** Seed for ids, tokens and insight values (default 1). */
  seed?: number;
  /** Replace the default module list (advanced; default: every module in `modules.ts`). */
  modules?: EmulatorModule[];
}

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:4010` (use as the Graph host; paths `/v26.0/...`). */
  url: string;
  /** Stops every module's background work (webhook deliveries, retry timers), then the server. */
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

/** Largest body kept in memory for non-upload routes. */
const MAX_BODY = 16 * 1024 * 1024;

/** Builds an in-process emulator with the core control plane and every module. */
export function createEmulator(options: Omit<StartEmulatorOptions, 'port' | 'host'> = {}): {
  emulator: Emulator;
  control: EmulatorControl;
} {
  const emulator = new Emulator({
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const control = installControl(emulator);
  for (const m of options.modules ?? createModules()) emulator.use(m);
  return { emulator, control };
}

/** Adapts `Emulator.handle` to node:http. */
export function nodeHandler(emulator: Emulator): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? '/';
    const isUpload = url.startsWith('/rupload/');
    const chunks: Buffer[] = [];
    let length = 0;
    let tooBig = false;
    let finished = false;
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
      };
      if (!isUpload) input.body = Buffer.concat(chunks);
      void emulator.handle(input).then(
        (out) => {
          if (aborted || res.destroyed) return;
          if (out.drop === true) {
            req.socket.destroy();
            return;
          }
          res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(out.body) });
          res.end(out.body);
        },
        () => {
          if (!res.destroyed) res.writeHead(500).end();
        },
      );
    };
    req.on('data', (c: Buffer) => {
      length += c.length;
      if (isUpload) return;
      if (length > MAX_BODY) {
        tooBig = true;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (tooBig) {
        finished = true;
        res
          .writeHead(413, { 'content-type': 'application/json' })
          .end('{"error":{"message":"body too large"}}');
        return;
      }
      run(false);
    });
    req.on('aborted', () => {
      if (isUpload && length > 0) run(true);
    });
    req.on('error', () => undefined);
  };
}

/**
 * Starts the emulator on a socket.
 * @example
 * const emu = await startEmulator();
 * const acct = await emu.control.createAccount();
 * await fetch(`${emu.url}/v26.0/${acct.igUserId}?fields=id,username`, { headers: { authorization: `Bearer ${acct.accessToken}` } });
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { emulator, control } = createEmulator(options);
  const handler = nodeHandler(emulator);
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
    control,
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
    },
  };
}
