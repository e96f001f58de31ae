/**
 * One igkit worker process for the scale benchmark, configured from the environment exactly as a deployed
 * `worker` role is (DATABASE_URL, IGKIT_DB_SCHEMA, IGKIT_GRAPH_URL, IGKIT_SECRET_KEY). Prints `ready` once its
 * workers poll; on SIGTERM prints `memory <peak RSS bytes> <heap bytes>`, stops gracefully and exits.
 */
import { loadConfig } from '../../packages/server/src/config/config.js';
import { silentLogger } from '../../packages/server/src/log/logger.js';
import { createService } from '../../packages/server/src/service.js';

const service = await createService({
  config: loadConfig(),
  log: silentLogger(),
  workerId: process.env['WORKER_ID'] ?? `bench-${process.pid}`,
});
await service.startWorkers();
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  process.stdout.write(`memory ${process.resourceUsage().maxRSS * 1024} ${process.memoryUsage().heapUsed}\n`);
  await service.stop();
  process.exit(0);
});
