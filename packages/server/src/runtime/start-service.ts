/**
 * `igkit start`: one process of the service. Role `all` (default) runs the HTTP API + webhook receiver and the
 * queue workers; `api` only the first, `worker` only the second. With no Meta credentials it embeds the local
 * emulator (seeded app, account and user) and wires it as if it were Meta. On the first start it creates an
 * admin API key (shown once) and, in embedded mode, runs the demo through the real scheduler paths.
 */
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { GraphClient } from '@igkit/graph';
import { type ServiceConfig, type ServiceRole, usesEmbeddedEmulator } from '../config/config.js';
import type { ServiceDemoSummary } from '../demo/service-demo.js';
import type { GraphTarget } from '../graph/graph-target.js';
import { createApi } from '../http/app.js';
import { createHealth } from '../http/health.js';
import { createMetrics, type Metrics } from '../http/metrics.js';
import { QUEUE_NAMES } from '../jobs/queues.js';
import type { Logger } from '../log/logger.js';
import { createService, type Service } from '../service.js';
import { countApiKeys, createApiKey } from '../store/api-keys.js';
import { type EmbeddedEmulator, startEmbeddedEmulator } from './embedded-emulator.js';

export interface StartOptions {
  config: ServiceConfig;
  log: Logger;
  /** Port of the embedded emulator. @default 8788 (IGKIT_EMULATOR_PORT) */
  emulatorPort?: number;
  /** The built dashboard to serve at `/`. @default `config.dashboardDir`, else the installed `@igkit/dashboard` */
  dashboardDir?: string | false;
}

export interface RunningIgkit {
  role: ServiceRole;
  service: Service;
  metrics: Metrics;
  /** Set when this process serves HTTP. */
  apiUrl?: string;
  webhookUrl?: string;
  emulator?: EmbeddedEmulator;
  /** The admin key created on the first start (only then). */
  firstStartKey?: string;
  /** True when this process serves the webhook receiver (app secret and verify token known). */
  receivesWebhooks: boolean;
  /** True when this start created the first API key (the database was new). */
  firstStart: boolean;
  /** Stops taking work, lets in-flight jobs finish (or return to the queue), closes everything. */
  stop(): Promise<void>;
}

function listen(app: { fetch: (req: Request) => Response | Promise<Response> }, host: string, port: number) {
  return new Promise<{ server: ServerType; url: string }>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const h = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({ server, url: `http://${h}:${info.port}` });
    });
    server.once('error', reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive connections would hold close() open; in-flight requests finish first.
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  });
}

/** Subscribes the emulator's app and account to our receiver, as one does in Meta's dashboard (handshake included). */
async function subscribeWebhooks(emulator: EmbeddedEmulator, callbackUrl: string): Promise<void> {
  const { account } = emulator;
  const fields = 'messages,message_reactions,messaging_seen,comments';
  await new GraphClient({ accessToken: `${account.appId}|${account.appSecret}`, host: emulator.url }).post(
    `/${account.appId}/subscriptions`,
    { object: 'instagram', callback_url: callbackUrl, fields, verify_token: account.verifyToken },
  );
  await new GraphClient({ accessToken: account.accessToken, host: emulator.url }).post(
    '/me/subscribed_apps',
    {
      subscribed_fields: fields,
    },
  );
}

export async function startIgkit(options: StartOptions): Promise<RunningIgkit> {
  const { log } = options;
  const config = { ...options.config };
  const role = config.role;
  const serveHttp = role !== 'worker';
  let emulator: EmbeddedEmulator | undefined;
  if (usesEmbeddedEmulator(config)) {
    emulator = await startEmbeddedEmulator({ host: config.host, port: options.emulatorPort ?? 8788 });
    // The emulator stands in for Meta: its app's secret signs webhooks, its verify token answers the handshake.
    config.metaAppSecret = emulator.account.appSecret;
    config.metaVerifyToken = emulator.account.verifyToken;
    config.metaAppId = emulator.account.appId;
    // The demo rule answers DMs to the emulated account (the emulator's user writes during the demo).
    config.demoAutoReply = true;
  }
  let metrics: Metrics | undefined;
  const graph: GraphTarget = {
    baseUrl: emulator?.url ?? config.graphUrl,
    appSecret: emulator ? undefined : config.metaAppSecret,
    observe: (event, accountId) => metrics?.observeGraph(event, accountId),
  };
  let service: Service;
  try {
    service = await createService({
      config,
      log,
      graph,
      ...(emulator ? { mediaFetch: emulator.mediaFetch } : {}),
    });
  } catch (e) {
    await emulator?.close();
    throw e;
  }
  const m = createMetrics({ db: service.db, boss: service.boss, queues: QUEUE_NAMES });
  metrics = m;
  let server: ServerType | undefined;
  const cleanup = async () => {
    if (server) await closeServer(server);
    await service.stop();
    await emulator?.close();
  };
  try {
    if (emulator)
      await service.connectAccount(
        {
          id: emulator.account.igUserId,
          username: emulator.account.username,
          loginType: 'instagram',
          accessToken: emulator.account.accessToken,
        },
        { actor: 'system' },
      );
    else if (config.account && role !== 'worker')
      await service.connectAccount(
        {
          id: config.account.accountId,
          loginType: config.account.pageId ? 'facebook' : 'instagram',
          pageId: config.account.pageId,
          accessToken: config.account.accessToken,
        },
        { actor: 'system' },
      );

    let firstStartKey: string | undefined;
    if (serveHttp && (await countApiKeys(service.db)) === 0)
      firstStartKey = (
        await createApiKey(service.db, { name: 'first-start admin', scopes: ['admin'] }, service.now())
      ).key;

    let apiUrl: string | undefined;
    const canReceive = serveHttp && Boolean(config.metaAppSecret && config.metaVerifyToken);
    if (serveHttp) {
      const health = createHealth({
        db: service.db,
        boss: service.boss,
        graphUrl: graph.baseUrl ?? 'https://graph.facebook.com/',
      });
      if (!canReceive)
        log.warn('webhook receiver off: set META_APP_SECRET and META_VERIFY_TOKEN to receive webhooks');
      const app = createApi({
        service,
        metrics: m,
        health,
        ...((options.dashboardDir ?? config.dashboardDir) !== undefined
          ? { dashboardDir: options.dashboardDir ?? config.dashboardDir }
          : {}),
        ...(canReceive
          ? { mount: (root) => root.route('/webhooks', service.webhookApp({ onOutcome: m.observeWebhook })) }
          : {}),
      });
      const listening = await listen(app, config.host, config.port).catch((e: Error) => {
        throw new Error(
          `cannot listen on ${config.host}:${config.port} (${e.message}); set IGKIT_PORT to a free port or stop the other process`,
        );
      });
      server = listening.server;
      apiUrl = listening.url;
      if (emulator && canReceive) await subscribeWebhooks(emulator, `${apiUrl}/webhooks/instagram`);
    }
    if (role !== 'api') await service.startWorkers();
    let stopping: Promise<void> | undefined;
    return {
      role,
      service,
      metrics: m,
      ...(apiUrl ? { apiUrl, webhookUrl: `${apiUrl}/webhooks/instagram` } : {}),
      ...(emulator ? { emulator } : {}),
      ...(firstStartKey ? { firstStartKey } : {}),
      firstStart: firstStartKey !== undefined,
      receivesWebhooks: canReceive,
      stop: () => {
        stopping ??= cleanup();
        return stopping;
      },
    };
  } catch (e) {
    await cleanup().catch(() => {});
    throw e;
  }
}

/** The short block printed at start. */
export function startBanner(run: RunningIgkit, config: ServiceConfig): string[] {
  const lines = [
    run.emulator
      ? `igkit is running (role ${run.role}) against the local emulator: no Meta credentials are configured.`
      : `igkit is running (role ${run.role}) against ${config.graphUrl ?? 'Meta'}.`,
  ];
  if (run.apiUrl) {
    lines.push(`  dashboard ${run.apiUrl}/   (sign in with your igk_… key)`);
    lines.push(`  API       ${run.apiUrl}   (reference: ${run.apiUrl}/docs)`);
    lines.push(`  webhooks  ${run.webhookUrl}`);
  }
  if (run.emulator) lines.push(`  emulator  ${run.emulator.url}`);
  lines.push(config.databaseUrl ? '  data      PostgreSQL (DATABASE_URL)' : `  data      ${config.dataDir}`);
  if (run.firstStartKey) {
    lines.push(`  API key   ${run.firstStartKey}   (admin; shown only now)`);
    lines.push(`            export IGKIT_API_KEY=${run.firstStartKey}`);
  }
  if (run.apiUrl && run.apiUrl !== 'http://127.0.0.1:8787')
    lines.push(`            export IGKIT_URL=${run.apiUrl}`);
  lines.push('Stop with Ctrl-C (a second Ctrl-C exits at once).');
  return lines;
}

export type { ServiceDemoSummary };
