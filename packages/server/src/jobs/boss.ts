/**
 * pg-boss on igkit's database — PostgreSQL or PGlite — through its `db.executeSql` adapter: parameterised SQL
 * goes through `query`, parameterless (possibly multi-statement) SQL through `exec`, which PGlite requires.
 */
import PgBoss from 'pg-boss';
import type { Db, Queryable } from '../store/db.js';
import { deadLetterQueue, type QueuePolicy } from './queues.js';

export type { PgBoss };

/** pg-boss's `Db` over an igkit {@link Db} (or a transaction of it, for enqueueing atomically with a change). */
export function bossDb(q: Db | Queryable): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if ((!values || values.length === 0) && 'exec' in q) return q.exec(text);
      return q.query(text, values ?? []);
    },
  };
}

export interface BossOptions {
  /** pg-boss's own schema. @default `<db.schema>_jobs` */
  schema?: string;
  /** Run pg-boss maintenance (expiry, archiving) in this process. @default true */
  supervise?: boolean;
  /** @default true */
  schedule?: boolean;
}

/** Starts pg-boss (creating or migrating its schema) and creates igkit's queues with their policies. */
export async function startBoss(
  db: Db,
  policies: Record<string, QueuePolicy>,
  options: BossOptions = {},
): Promise<PgBoss> {
  const boss = new PgBoss({
    db: bossDb(db),
    schema: options.schema ?? `${db.schema}_jobs`,
    supervise: options.supervise ?? true,
    schedule: options.schedule ?? true,
    maintenanceIntervalSeconds: 30,
    monitorStateIntervalSeconds: 60,
  });
  boss.on('error', () => {
    // Reported through the worker runner and /healthz; an emitted error must not crash the process.
  });
  await boss.start();
  for (const [name, policy] of Object.entries(policies)) await ensureQueue(boss, name, policy);
  return boss;
}

async function ensureQueue(boss: PgBoss, name: string, policy: QueuePolicy): Promise<void> {
  const dlq = deadLetterQueue(name);
  const queues: PgBoss.Queue[] = [
    { name: dlq, retryLimit: 3, retryDelay: 10, retryBackoff: true, expireInSeconds: 60 },
    { name, ...policy, deadLetter: dlq },
  ];
  for (const options of queues) {
    const queue = options.name;
    const existing = await boss.getQueue(queue);
    if (existing) await boss.updateQueue(queue, options);
    else
      await boss.createQueue(queue, options).catch(async (e: unknown) => {
        // Another process created it between our read and create.
        if (!(await boss.getQueue(queue))) throw e;
      });
  }
}
