/** A checkpoint store that "crashes" the worker at a chosen stage, like `kill -9` would. */
import {
  type Checkpoint,
  type CheckpointData,
  type CheckpointStore,
  InMemoryCheckpointStore,
  type PublishStage,
} from '../../../src/publishing/checkpoints.js';

export class Crash extends Error {
  override readonly name = 'Crash';
}

export interface CrashPlan {
  /** Crash right after this stage was written durably… */
  after?: PublishStage;
  /** …or right before it is written. */
  before?: PublishStage;
  /** For `after: 'started'` with partial carousel children: crash after this many children. */
  afterChildren?: number;
}

/** Wraps an in-memory store; after a crash it stops releasing leases (a dead worker releases nothing). */
export class CrashingStore implements CheckpointStore {
  readonly inner: InMemoryCheckpointStore;
  crash: CrashPlan | undefined;
  crashed = false;
  readonly writes: PublishStage[] = [];
  now = 1_000_000;

  constructor(crash?: CrashPlan) {
    this.inner = new InMemoryCheckpointStore({ now: () => this.now });
    this.crash = crash;
  }

  get(key: string): Promise<Checkpoint | undefined> {
    return this.inner.get(key);
  }
  acquire(key: string, owner: string, leaseMs: number): Promise<Checkpoint | undefined> {
    return this.inner.acquire(key, owner, leaseMs);
  }
  async put(
    key: string,
    update: { stage: PublishStage; data: CheckpointData },
    condition: { owner: string; expectedVersion: number; leaseMs: number },
  ): Promise<Checkpoint | undefined> {
    const c = this.crash;
    if (c?.before === update.stage) this.#die();
    const r = await this.inner.put(key, update, condition);
    this.writes.push(update.stage);
    const children = update.data.childIds?.length ?? 0;
    if (c?.after === update.stage && (c.afterChildren === undefined || c.afterChildren === children))
      this.#die();
    return r;
  }
  async release(key: string, owner: string): Promise<void> {
    if (!this.crashed) await this.inner.release(key, owner);
  }

  #die(): never {
    this.crashed = true;
    this.crash = undefined;
    throw new Crash('worker killed');
  }
}
