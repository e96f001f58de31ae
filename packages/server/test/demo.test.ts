import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/index.js';

describe('igkit demo (npm start)', () => {
  it('publishes every kind once, completes a verified DM round trip and leaks nothing into audit events', async () => {
    const summary = await runDemo({ videoProcessingMs: 300 });

    expect(summary.failures).toEqual([]);
    expect(summary.published.map((p) => p.kind)).toEqual(['feed image', 'carousel', 'reel', 'story']);
    for (const post of summary.published.filter((p) => p.kind !== 'story')) {
      expect(post.url).toMatch(/^https:\/\/www\.instagram\.com\/(p|reel)\//);
    }
    // Ground truth from the emulator: exactly the four posts (carousel children are not posts), no duplicates.
    expect(summary.groundTruth.posts).toBe(4);
    expect(summary.groundTruth.duplicatePublishes).toBe(0);
    expect(summary.dm.echoReceived).toBe(true);
    expect(summary.groundTruth.messages).toBe(2);
    expect(summary.groundTruth.webhookDeliveries).toBe(2);
    expect(summary.insights.reach).toBeGreaterThanOrEqual(0);
    expect(summary.auditEvents).toBe(1);
    expect(summary.privacyClean).toBe(true);
  });
});
