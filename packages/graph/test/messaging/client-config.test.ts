import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import { resolveClientConfig } from '../../src/messaging/client-config.js';

const TOKEN = 'IGQVJ-limiter-key-token-0001';

describe('MessagingClient limiter key (which budget a send draws from)', () => {
  it('is the account id when one is known, so every client of that account shares one budget', () => {
    const a = resolveClientConfig({ login: 'instagram', accessToken: TOKEN, igUserId: '17841400000000001' });
    const b = resolveClientConfig({
      login: 'instagram',
      accessToken: 'another-token-xyz',
      igUserId: '17841400000000001',
    });
    expect(a.limiterKey).toBe('17841400000000001');
    expect(b.limiterKey).toBe(a.limiterKey);
    expect(resolveClientConfig({ login: 'facebook', accessToken: TOKEN, pageId: '1100' }).limiterKey).toBe(
      '1100',
    );
  });

  it('falls back to a hash of the token, never the token itself', () => {
    const config = resolveClientConfig({ login: 'instagram', accessToken: TOKEN });
    expect(config.limiterKey).toMatch(/^token:[0-9a-f]{24}$/);
    expect(config.limiterKey).not.toContain(TOKEN);
    expect(resolveClientConfig({ login: 'instagram', accessToken: TOKEN }).limiterKey).toBe(
      config.limiterKey,
    );
    expect(resolveClientConfig({ login: 'instagram', accessToken: `${TOKEN}x` }).limiterKey).not.toBe(
      config.limiterKey,
    );
  });

  it("with only an injected graph client (no token, no account id) it is that client's base URL", () => {
    const graph = new GraphClient({ accessToken: TOKEN, host: 'http://127.0.0.1:4010' });
    const config = resolveClientConfig({ login: 'instagram', graph });
    expect(config.limiterKey).toBe('graph:http://127.0.0.1:4010');
    expect(config.graph).toBe(graph);
  });
});
