/**
 * One webhook receiver for the ingest benchmark, in its own process: `bare` (a node:http handler that reads the
 * body and verifies X-Hub-Signature-256 with node:crypto, nothing else) or `service` (igkit's receiver —
 * verify + durable inbox insert + its webhook-event job in one transaction + 200 — on the store `loadConfig()`
 * describes, served by @hono/node-server; no queue workers run, as in an `api`-role process).
 * Prints `port <n>`; a `cpu` line on stdin is answered `cpu <µs of user + system CPU so far>`; on SIGTERM prints
 * `rows <inbox rows>` and exits.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { loadConfig } from '../../packages/server/src/config/config.js';
import { silentLogger } from '../../packages/server/src/log/logger.js';
import { createService } from '../../packages/server/src/service.js';
import { WEBHOOK_APP_SECRET, WEBHOOK_VERIFY_TOKEN } from './webhook-secrets.js';

// CPU time on request: the benchmark reads it around each round (CPU per acknowledged delivery).
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  for (const line of d.split('\n'))
    if (line.trim() === 'cpu') {
      const u = process.cpuUsage();
      process.stdout.write(`cpu ${u.user + u.system}\n`);
    }
});

async function listening(server: import('node:net').Server): Promise<number> {
  if (!server.listening) await new Promise<void>((r) => server.once('listening', () => r()));
  return (server.address() as AddressInfo).port;
}

if (process.argv[2] === 'bare') {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const header = req.headers['x-hub-signature-256'];
      const expected = Buffer.from(
        `sha256=${createHmac('sha256', WEBHOOK_APP_SECRET).update(Buffer.concat(chunks)).digest('hex')}`,
      );
      const given = Buffer.from(typeof header === 'string' ? header : '');
      const ok = given.length === expected.length && timingSafeEqual(given, expected);
      res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain' });
      res.end(ok ? 'EVENT_RECEIVED' : 'bad signature');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  process.stdout.write(`port ${await listening(server)}\n`);
  process.on('SIGTERM', () => {
    process.stdout.write('rows 0\n');
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
} else {
  const service = await createService({
    config: loadConfig(),
    log: silentLogger(),
    supervise: false,
    webhookSecrets: { appSecret: WEBHOOK_APP_SECRET, verifyToken: WEBHOOK_VERIFY_TOKEN },
  });
  const app = new Hono();
  app.route('/webhooks', service.webhookApp());
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  process.stdout.write(`port ${await listening(server)}\n`);
  process.on('SIGTERM', async () => {
    server.close();
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    const r = await service.db.query<{ n: string }>('SELECT count(*) AS n FROM webhook_inbox');
    process.stdout.write(`rows ${r.rows[0]?.n ?? 0}\n`);
    await service.stop();
    process.exit(0);
  });
}
