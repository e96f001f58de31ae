/**
 * A minimal webhook endpoint as an app would run it: answers Meta's subscription handshake and
 * accepts only notifications whose X-Hub-Signature-256 matches the raw body. The service's durable
 * receiver builds on the same @igkit/graph primitives.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhook, verifySignature, verifySubscription, type WebhookEvent } from '@igkit/graph';

const MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookReceiver {
  url: string;
  events: WebhookEvent[];
  rejected: number;
  /** Resolves once `count` events have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<WebhookEvent[]>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startWebhookReceiver(opts: {
  appSecret: string;
  verifyToken: string;
}): Promise<WebhookReceiver> {
  const events: WebhookEvent[] = [];
  const waiters = new Set<() => void>();
  const state = { rejected: 0 };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET') {
      const query = Object.fromEntries(url.searchParams);
      const check = verifySubscription(query, opts.verifyToken);
      if (check.ok) res.writeHead(200, { 'content-type': 'text/plain' }).end(check.challenge);
      else res.writeHead(403).end();
      return;
    }
    const raw = await readBody(req).catch(() => undefined);
    if (raw === undefined) {
      state.rejected++;
      res.writeHead(413).end();
      return;
    }
    const header = req.headers['x-hub-signature-256'];
    if (!verifySignature(raw, typeof header === 'string' ? header : undefined, opts.appSecret)) {
      state.rejected++;
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200).end('EVENT_RECEIVED');
    try {
      events.push(...parseWebhook(JSON.parse(raw.toString('utf8'))).events);
    } catch {
      state.rejected++;
    }
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webhooks/instagram`,
    events,
    get rejected() {
      return state.rejected;
    },
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`webhook receiver: expected ${count} events, got ${events.length}`));
        }, timeoutMs);
        const check = () => {
          if (events.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(events.slice());
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
