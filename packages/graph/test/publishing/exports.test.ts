/** The seed contract is importable from the package entry point. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  Connector,
  DeleteResult,
  InstagramConfig,
  PostContent,
  PostInsights,
  PublishOptions,
  PublishResult,
} from '../../src/index.js';
import * as graph from '../../src/index.js';

describe('@igkit/graph publishing exports', () => {
  it('exports the connector, the publisher and the checkpoint store', () => {
    expect(typeof graph.InstagramConnector).toBe('function');
    expect(typeof graph.Publisher).toBe('function');
    expect(typeof graph.InMemoryCheckpointStore).toBe('function');
    expect(typeof graph.preflightMedia).toBe('function');
    const c = new graph.InstagramConnector({
      accessToken: 't',
      instagramAccountId: '1',
      apiVersion: 'v18.0',
    });
    expect(c.apiVersion).toBe('v18.0');
    expect(c.client.baseUrl).toBe('https://graph.facebook.com');
    expect(JSON.stringify(c.client)).not.toContain('"t"');
  });

  it('keeps the seed type shapes', () => {
    expectTypeOf<InstagramConfig>().toHaveProperty('instagramAccountId');
    expectTypeOf<PostContent>().toHaveProperty('mediaUrls').toEqualTypeOf<string[]>();
    expectTypeOf<PublishOptions>().toHaveProperty('pollInterval').toEqualTypeOf<number | undefined>();
    expectTypeOf<PublishResult>().toHaveProperty('success').toEqualTypeOf<boolean>();
    expectTypeOf<DeleteResult>().toHaveProperty('success').toEqualTypeOf<boolean>();
    expectTypeOf<PostInsights>().toHaveProperty('impressions').toEqualTypeOf<number>();
    expectTypeOf<graph.InstagramConnector>().toMatchTypeOf<Connector>();
  });

  it('rejects a config without token or account id', () => {
    expect(() => new graph.InstagramConnector({ accessToken: '', instagramAccountId: '1' })).toThrow(
      TypeError,
    );
    expect(() => new graph.InstagramConnector({ accessToken: 't', instagramAccountId: '' })).toThrow(
      TypeError,
    );
  });
});
