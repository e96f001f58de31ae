/** An igkit service in this process for the benchmarks, wired to an emulator, and Graph-call accounting. */
import type { RunningEmulator } from '@igkit/emulator';
import type { ResponseEvent } from '@igkit/graph';
import { loadConfig } from '../../packages/server/src/config/config.js';
import { silentLogger } from '../../packages/server/src/log/logger.js';
import { createService, type Service, type ServiceOptions } from '../../packages/server/src/service.js';
import type { BenchStore } from './store.js';

/** Graph call kinds, from method and path. */
export type CallKind =
  | 'container_create'
  | 'status_read'
  | 'media_publish'
  | 'quota_check'
  | 'message_send'
  | 'other_read'
  | 'other_write';

export function callKind(method: string, url: string): CallKind {
  const u = new URL(url);
  const path = u.pathname;
  if (method === 'POST' && path.endsWith('/media_publish')) return 'media_publish';
  if (method === 'POST' && path.endsWith('/media')) return 'container_create';
  if (method === 'POST' && path.endsWith('/messages')) return 'message_send';
  if (method === 'GET' && path.endsWith('/content_publishing_limit')) return 'quota_check';
  if (method === 'GET' && (u.searchParams.get('fields') ?? '').includes('status_code')) return 'status_read';
  return method === 'GET' ? 'other_read' : 'other_write';
}

/** Counts calls per (account, kind); also the rate-limit errors seen (Graph codes 4, 17, 32, 613, 80002 …). */
export class CallCounter {
  readonly byAccount = new Map<string, Map<CallKind, number>>();
  rateLimited = 0;
  record(accountId: string, method: string, url: string, graphCode?: number): void {
    const kinds = this.byAccount.get(accountId) ?? new Map<CallKind, number>();
    const k = callKind(method, url);
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
    this.byAccount.set(accountId, kinds);
    if (graphCode !== undefined && [4, 17, 32, 613, 80001, 80002].includes(graphCode)) this.rateLimited++;
  }
  observe = (e: ResponseEvent, accountId: string): void => {
    const code = (e.error as { code?: number } | undefined)?.code;
    this.record(accountId, e.method, e.url, code);
  };
  /** A fetch that counts every call to `accountId` (for clients outside the service). */
  countingFetch(accountId: string): typeof fetch {
    return async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      this.record(accountId, init?.method ?? 'GET', url);
      return fetch(input, init);
    };
  }
  total(accountId: string): Record<string, number> {
    return Object.fromEntries(this.byAccount.get(accountId) ?? []);
  }
}

export async function startBenchService(
  store: BenchStore,
  emu: RunningEmulator,
  options: Partial<ServiceOptions> = {},
): Promise<Service> {
  return createService({
    config: loadConfig(store.env),
    log: silentLogger(),
    graph: { baseUrl: emu.url },
    ...options,
  });
}

/** An emulator account with publishing and call budgets raised out of the way, connected to `service`. */
export async function benchAccount(
  emu: RunningEmulator,
  service: Service | undefined,
  username: string,
): Promise<{ igUserId: string; accessToken: string; appId: string; appSecret: string }> {
  const a = await emu.control.createAccount({ username, loginType: 'instagram' });
  await emu.control.settings(a.igUserId, {
    publishingLimit: 1e9,
    containerLimit: 1e9,
    bucCallBudget: 1e9,
    appCallBudget: 1e9,
    pageCallBudget: 1e9,
  });
  if (service)
    await service.connectAccount({
      id: a.igUserId,
      loginType: 'instagram',
      accessToken: a.accessToken,
      username,
    });
  return a;
}
