import { describe, expect, it } from 'vitest';
import { InMemoryCheckpointStore, stageAtLeast } from '../../src/publishing/checkpoints.js';

function store() {
  let now = 1_000;
  const s = new InMemoryCheckpointStore({ now: () => now });
  return { s, advance: (ms: number) => (now += ms) };
}

describe('InMemoryCheckpointStore', () => {
  it('creates a record at stage started on first acquire', async () => {
    const { s } = store();
    expect(await s.get('k')).toBeUndefined();
    const c = await s.acquire('k', 'w1', 1000);
    expect(c).toMatchObject({ key: 'k', stage: 'started', version: 1, leaseOwner: 'w1' });
    expect(await s.get('k')).toMatchObject({ stage: 'started' });
  });

  it('refuses a second owner while the lease is live and grants it after expiry', async () => {
    const { s, advance } = store();
    await s.acquire('k', 'w1', 1000);
    expect(await s.acquire('k', 'w2', 1000)).toBeUndefined();
    expect(await s.acquire('k', 'w1', 1000)).toBeDefined();
    advance(1001);
    expect(await s.acquire('k', 'w2', 1000)).toMatchObject({ leaseOwner: 'w2' });
  });

  it('compare-and-set: only one of two writers at the same version wins', async () => {
    const { s } = store();
    const c = (await s.acquire('k', 'w1', 1000))!;
    const a = await s.put(
      'k',
      { stage: 'container_created', data: { containerId: 'c1' } },
      { owner: 'w1', expectedVersion: c.version, leaseMs: 1000 },
    );
    const b = await s.put(
      'k',
      { stage: 'container_created', data: { containerId: 'c2' } },
      { owner: 'w1', expectedVersion: c.version, leaseMs: 1000 },
    );
    expect(a).toMatchObject({ version: 2, data: { containerId: 'c1' } });
    expect(b).toBeUndefined();
    expect((await s.get('k'))!.data.containerId).toBe('c1');
  });

  it('a worker whose lease was taken over cannot write any more', async () => {
    const { s, advance } = store();
    const c1 = (await s.acquire('k', 'w1', 1000))!;
    advance(1500);
    const c2 = (await s.acquire('k', 'w2', 1000))!;
    expect(
      await s.put(
        'k',
        { stage: 'publish_attempted', data: {} },
        { owner: 'w1', expectedVersion: c1.version, leaseMs: 1000 },
      ),
    ).toBeUndefined();
    expect(
      await s.put(
        'k',
        { stage: 'publish_attempted', data: {} },
        { owner: 'w2', expectedVersion: c2.version, leaseMs: 1000 },
      ),
    ).toMatchObject({ stage: 'publish_attempted' });
  });

  it('an expired lease cannot write even when nobody took over', async () => {
    const { s, advance } = store();
    const c = (await s.acquire('k', 'w1', 1000))!;
    advance(1000);
    expect(
      await s.put(
        'k',
        { stage: 'ready', data: {} },
        { owner: 'w1', expectedVersion: c.version, leaseMs: 1000 },
      ),
    ).toBeUndefined();
  });

  it('release frees the key for others; records are copies', async () => {
    const { s } = store();
    const c = (await s.acquire('k', 'w1', 1000))!;
    c.data.containerId = 'mutated';
    await s.release('k', 'w2');
    expect(await s.acquire('k', 'w2', 1000)).toBeUndefined();
    await s.release('k', 'w1');
    expect(await s.acquire('k', 'w2', 1000)).toMatchObject({ leaseOwner: 'w2', data: {} });
    expect(s.size).toBe(1);
  });

  it('orders stages', () => {
    expect(stageAtLeast('published', 'ready')).toBe(true);
    expect(stageAtLeast('ready', 'publish_attempted')).toBe(false);
  });
});
