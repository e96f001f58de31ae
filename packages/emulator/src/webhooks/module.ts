/**
 * The webhooks module: app and account subscriptions (Meta's own calls), and delivery of every
 * event on `ctx.events` to each app that (a) is subscribed to the account through
 * `subscribed_apps` and (b) has an active `instagram` subscription including the event's field.
 * As on Meta, the account-level field list does not filter: an app gets every field it subscribed
 * to at app level (https://developers.facebook.com/docs/instagram-platform/webhooks).
 */
import { controlCaller } from '../core/control.js';
import type { EmulatorEvent } from '../core/events.js';
import type { EmulatorContext, EmulatorModule } from '../core/types.js';
import { type DeliveryTimers, WebhookDeliveryQueue } from './delivery.js';
import type { DeliveryRecord } from './delivery-log.js';
import { fieldMatches } from './fields.js';
import { type AccountSubscriptions, installSubscriptionRoutes } from './routes.js';

/** Delivery knobs, settable at runtime through `PUT /__emulator/webhooks`. */
export interface WebhookSettings {
  /** Real-time limit for one webhook POST before it counts as a timeout. @default 20_000 */
  timeoutMs: number;
  /** Real-time limit for the subscription handshake GET. @default 10_000 */
  handshakeTimeoutMs: number;
  /** Send the legacy `X-Hub-Signature` (sha1) header too. @default true */
  sha1: boolean;
  /** Updates per POST. @default 1000 */
  maxBatch: number;
}

/** Typed control methods added by the webhooks module. */
export interface WebhooksControl {
  /** Resolves when no webhook is queued or in flight (retries scheduled for later don't count). */
  webhooksIdle(): Promise<{ deliveries: number }>;
  /** The delivery log (every attempt), oldest first. */
  webhookDeliveries(): Promise<DeliveryRecord[]>;
  /** Changes delivery settings; returns all of them. */
  webhookSettings(patch: Partial<WebhookSettings>): Promise<WebhookSettings>;
}

/** Ground-truth keys added to `state()` by the webhooks module. */
export interface WebhooksState {
  /** Every delivery attempt, oldest first (a ring of `logCapacity`). */
  webhookDeliveries: DeliveryRecord[];
  /** Account-level subscriptions (`subscribed_apps`). */
  webhookSubscriptions: Array<{ igUserId: string; appId: string; subscribedFields: string[] }>;
}

declare module '../core/control.js' {
  interface EmulatorControl extends WebhooksControl {}
  interface EmulatorState extends WebhooksState {}
}

/** Options of the webhooks module. */
export interface WebhooksModuleOptions extends Partial<WebhookSettings> {
  /** fetch used for handshakes and deliveries (default: global fetch at call time). */
  fetch?: typeof fetch;
  /** Delivery log capacity. @default 1000 */
  logCapacity?: number;
  /** Delays between delivery attempts (advanced; default: see retry-schedule.ts). */
  retryDelaysMs?: readonly number[];
  /** Give up this long after the first attempt. @default 36 h */
  retryHorizonMs?: number;
  /** Timers for retries (advanced: tests inject fake ones; default Node's, unref'd). */
  timers?: DeliveryTimers;
}

function isEcho(payload: unknown): boolean {
  const m = (payload as { message?: { is_echo?: unknown } } | null)?.message;
  return m?.is_echo === true;
}

/** Creates the webhooks module. */
export function webhooksModule(options: WebhooksModuleOptions = {}): EmulatorModule {
  const settings: WebhookSettings = {
    timeoutMs: options.timeoutMs ?? 20_000,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    sha1: options.sha1 ?? true,
    maxBatch: options.maxBatch ?? 1000,
  };
  const initial: WebhookSettings = { ...settings };
  const accountSubs: AccountSubscriptions = new Map();
  let queue: WebhookDeliveryQueue | undefined;
  /** Aborted by `close()`: cancels handshakes in flight. */
  const lifetime = new AbortController();
  const unsubscribe: Array<() => void> = [];

  return {
    name: 'webhooks',
    init(ctx: EmulatorContext) {
      const q = new WebhookDeliveryQueue({
        clock: ctx.clock,
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        logCapacity: options.logCapacity ?? 1000,
        ...(options.retryDelaysMs === undefined ? {} : { retryDelaysMs: options.retryDelaysMs }),
        ...(options.retryHorizonMs === undefined ? {} : { retryHorizonMs: options.retryHorizonMs }),
        ...(options.timers === undefined ? {} : { timers: options.timers }),
        ...settings,
      });
      queue = q;
      unsubscribe.push(
        ctx.clock.onChange(() => q.runDue()),
        ctx.events.subscribe((event) => deliver(ctx, q, accountSubs, event)),
      );
      installSubscriptionRoutes({
        ctx,
        accountSubs,
        signal: lifetime.signal,
        handshakeTimeoutMs: () => settings.handshakeTimeoutMs,
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      });
      installWebhookControl(ctx, q, settings);
      return { control: webhooksControl(ctx) };
    },
    reset() {
      queue?.reset();
      accountSubs.clear();
      Object.assign(settings, initial);
      queue?.configure({ timeoutMs: settings.timeoutMs, sha1: settings.sha1, maxBatch: settings.maxBatch });
    },
    close() {
      // Stop for good: no new deliveries, in-flight POSTs and handshakes aborted, retry timer cleared.
      for (const off of unsubscribe.splice(0)) off();
      lifetime.abort();
      queue?.close();
    },
    snapshot() {
      return {
        webhookDeliveries: queue?.log.list() ?? [],
        webhookSubscriptions: [...accountSubs].flatMap(([igUserId, apps]) =>
          [...apps].map(([appId, fields]) => ({ igUserId, appId, subscribedFields: [...fields] })),
        ),
      };
    },
  };
}

function deliver(
  ctx: EmulatorContext,
  queue: WebhookDeliveryQueue,
  accountSubs: AccountSubscriptions,
  event: EmulatorEvent,
): void {
  if (event.object !== 'instagram') return;
  const apps = accountSubs.get(event.igUserId);
  if (!apps) return;
  const echo = event.shape === 'messaging' && isEcho(event.payload);
  for (const appId of apps.keys()) {
    if (event.appId !== undefined && event.appId !== appId) continue;
    const app = ctx.accounts.apps.get(appId);
    const sub = app?.subscriptions['instagram'];
    if (!app || !sub?.active || !fieldMatches(sub.fields, event.field, echo)) continue;
    const item = event.shape === 'changes' ? { field: event.field, value: event.payload } : event.payload;
    queue.enqueue({ appId, callbackUrl: sub.callbackUrl, appSecret: app.secret }, [
      { accountId: event.igUserId, kind: event.shape, field: event.field, item },
    ]);
  }
}

function installWebhookControl(
  ctx: EmulatorContext,
  queue: WebhookDeliveryQueue,
  settings: WebhookSettings,
): void {
  const r = ctx.router;
  r.post('/__emulator/webhooks/idle', async () => {
    await queue.idle();
    return { body: { deliveries: queue.log.size } };
  });
  r.get('/__emulator/webhooks/deliveries', () => ({ body: { data: queue.log.list() } }));
  r.get('/__emulator/webhooks', () => ({ body: { ...settings } }));
  r.put('/__emulator/webhooks', (req) => {
    const next = { ...settings };
    for (const [k, v] of Object.entries(req.args)) {
      if (k === 'sha1') {
        if (typeof v !== 'boolean') throw new RangeError('sha1 must be a boolean');
        next.sha1 = v;
      } else if (k === 'timeoutMs' || k === 'handshakeTimeoutMs' || k === 'maxBatch') {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
          throw new RangeError(`${k} must be a positive integer`);
        next[k] = v;
      } else throw new RangeError(`unknown webhook setting ${k}`);
    }
    Object.assign(settings, next);
    queue.configure({ timeoutMs: settings.timeoutMs, sha1: settings.sha1, maxBatch: settings.maxBatch });
    return { body: { ...settings } };
  });
}

function webhooksControl(ctx: EmulatorContext): WebhooksControl {
  const call = controlCaller(ctx.call);
  return {
    webhooksIdle: () => call('POST', '/__emulator/webhooks/idle'),
    webhookDeliveries: async () =>
      (await call<{ data: DeliveryRecord[] }>('GET', '/__emulator/webhooks/deliveries')).data,
    webhookSettings: (patch) => call('PUT', '/__emulator/webhooks', patch),
  };
}
