/**
 * A service wired to an in-process emulator on one fake clock, on an isolated test store. Tests drive the
 * queue handlers directly (deterministic) or start the real pg-boss workers.
 */
import { type RunningEmulator, startEmulator } from '@igkit/emulator';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { createService, type Service, type ServiceOptions } from '../../src/service.js';
import type { Db } from '../../src/store/db.js';
import { type FakeClock, fakeClock } from './fake-clock.js';
import { type Engine, type TestStore, testStore } from './store.js';

export const TEST_KEY = Buffer.alloc(32, 7).toString('base64');

export interface Harness {
  store: TestStore;
  db: Db;
  emu: RunningEmulator;
  clock: FakeClock;
  service: Service;
  account: { igUserId: string; accessToken: string; appId: string; appSecret: string; verifyToken: string };
  /** Another service (worker) on the same store and emulator, e.g. the one that resumes after a "crash". */
  another(options?: Partial<ServiceOptions>): Promise<Service>;
  close(): Promise<void>;
}

export async function harness(
  engine: Engine,
  options: Partial<ServiceOptions> = {},
  env: Record<string, string> = {},
): Promise<Harness> {
  const clock = fakeClock();
  // The emulator's time is the fake clock: it moves only when a test (or a service's sleep) advances it.
  const emu = await startEmulator({ port: 0, seed: 11, clock });
  const store = testStore(engine);
  const db = await store.open();
  const config = loadConfig(
    { IGKIT_SECRET_KEY: TEST_KEY, IGKIT_DATA_DIR: store.config.dataDir, ...env },
    process.cwd(),
  );
  const services: Service[] = [];
  const created = await emu.control.createAccount({ username: 'bakery', loginType: 'instagram' });
  const make = async (extra: Partial<ServiceOptions> = {}) => {
    const s = await createService({
      config,
      db,
      log: silentLogger(),
      clock,
      sleep: clock.sleep,
      graph: { baseUrl: emu.url },
      supervise: false,
      webhookSecrets: { appSecret: created.appSecret, verifyToken: created.verifyToken },
      ...options,
      ...extra,
    });
    services.push(s);
    return s;
  };
  const service = await make();
  await service.connectAccount({
    id: created.igUserId,
    loginType: 'instagram',
    accessToken: created.accessToken,
    username: 'bakery',
  });
  return {
    store,
    db,
    emu,
    clock,
    service,
    account: created,
    another: make,
    async close() {
      for (const s of services) await s.stop();
      await db.close();
      await emu.close();
      await store.cleanup();
    },
  };
}

/** Non-carousel-child media the emulator holds, and its duplicate-publish count (ground truth). */
export async function groundTruth(emu: RunningEmulator): Promise<{ posts: number; duplicates: number }> {
  const s = await emu.control.state();
  return {
    posts: (s.media as Array<{ isCarouselChild?: boolean }>).filter((m) => !m.isCarouselChild).length,
    duplicates: s.duplicatePublishes.length,
  };
}

export const image = (name: string) => `https://cdn.example.com/${name}.jpg?w=1080&h=1080`;
