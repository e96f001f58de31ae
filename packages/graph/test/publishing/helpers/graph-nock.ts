/** Shared setup of the nock tests: https://graph.facebook.com, version v18.0, strict nock lifecycle. */
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { InstagramConnector } from '../../../src/publishing/connector.js';
import type { InstagramConfig } from '../../../src/publishing/types.js';
import { fakeTime } from '../../helpers/fake-time.js';

export const G = 'https://graph.facebook.com';
export const IG = '17841400000000001';
export const TOKEN = 'EAAtoken-secret-123';

/**
 * Registers the strict lifecycle: no real network, a clean slate per test, and every mocked call must have
 * been made (an unused mock fails the test).
 */
export function useStrictNock(): void {
  beforeAll(() => nock.disableNetConnect());
  beforeEach(() => nock.cleanAll());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}

/** A connector on graph.facebook.com / v18.0 with a fake clock whose sleeps cost no time. */
export function connector(t = fakeTime(), extra: Partial<InstagramConfig> = {}): InstagramConnector {
  return new InstagramConnector({
    accessToken: TOKEN,
    instagramAccountId: IG,
    apiVersion: 'v18.0',
    clock: t.clock,
    sleep: t.sleep,
    ...extra,
  });
}

/** Records form bodies posted to /media. */
export function captureBodies() {
  const bodies: Array<Record<string, string>> = [];
  return {
    bodies,
    capture: (body: unknown) => {
      bodies.push(
        Object.fromEntries(
          new URLSearchParams(
            String(typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>)),
          ),
        ),
      );
      return true;
    },
  };
}

/** Options of {@link mockFlow}. */
export interface FlowMock {
  containerId: string;
  mediaId: string;
  /** Body matcher for `POST /media` (e.g. `captureBodies().capture`). */
  capture?: (body: unknown) => boolean;
  /** The permalink answer; `undefined` = an answer without one. */
  permalink?: string;
}

/**
 * Mocks the happy container flow: `POST /media` → `GET /{container}?fields=status_code` (FINISHED) →
 * `POST /media_publish` with `creation_id` → `GET /{media}?fields=permalink`.
 */
export function mockFlow(m: FlowMock): nock.Scope {
  return nock(G)
    .post(`/v18.0/${IG}/media`, m.capture ?? (() => true))
    .reply(200, { id: m.containerId })
    .get(`/v18.0/${m.containerId}`)
    .query({ fields: 'status_code' })
    .reply(200, { status_code: 'FINISHED', id: m.containerId })
    .post(`/v18.0/${IG}/media_publish`, { creation_id: m.containerId })
    .reply(200, { id: m.mediaId })
    .get(`/v18.0/${m.mediaId}`)
    .query({ fields: 'permalink' })
    .reply(200, m.permalink === undefined ? { id: m.mediaId } : { permalink: m.permalink, id: m.mediaId });
}

/** Mocks the end of a flow: `POST /media_publish` with `creation_id` → `mediaId`, then its permalink read. */
export function mockPublish(containerId: string, mediaId: string, permalink?: string): nock.Scope {
  return nock(G)
    .post(`/v18.0/${IG}/media_publish`, { creation_id: containerId })
    .reply(200, { id: mediaId })
    .get(`/v18.0/${mediaId}`)
    .query({ fields: 'permalink' })
    .reply(200, permalink === undefined ? { id: mediaId } : { permalink, id: mediaId });
}

/** Mocks `POST /media` → container, status FINISHED, and lets the caller chain what `media_publish` answers. */
export function mockReadyContainer(containerId: string): nock.Interceptor {
  return nock(G)
    .post(`/v18.0/${IG}/media`)
    .reply(200, { id: containerId })
    .get(`/v18.0/${containerId}`)
    .query({ fields: 'status_code' })
    .reply(200, { status_code: 'FINISHED' })
    .post(`/v18.0/${IG}/media_publish`, { creation_id: containerId });
}

/**
 * Mocks `POST /media` → `containerId`, which then answers IN_PROGRESS to exactly `reads` status reads.
 * Returns a live counter of the reads made.
 */
export function mockStuckContainer(containerId: string, reads: number): { readonly reads: number } {
  let n = 0;
  nock(G)
    .post(`/v18.0/${IG}/media`)
    .reply(200, { id: containerId })
    .get(`/v18.0/${containerId}`)
    .query({ fields: 'status_code' })
    .times(reads)
    .reply(200, () => {
      n++;
      return { status_code: 'IN_PROGRESS' };
    });
  return {
    get reads() {
      return n;
    },
  };
}

/**
 * Mocks what follows a lost `media_publish` answer when the post did go live: the container reads PUBLISHED,
 * the account's recent media list `media`, and the found media's permalink.
 */
export function mockPublishedContainer(
  containerId: string,
  media: { id: string; timestamp: string; media_type: string; media_product_type: string; caption?: string },
  permalink?: string,
): nock.Scope {
  return nock(G)
    .get(`/v18.0/${containerId}`)
    .query({ fields: 'status_code' })
    .reply(200, { status_code: 'PUBLISHED' })
    .get(`/v18.0/${IG}/media`)
    .query(true)
    .reply(200, { data: [media] })
    .get(`/v18.0/${media.id}`)
    .query({ fields: 'permalink' })
    .reply(200, permalink === undefined ? { id: media.id } : { id: media.id, permalink });
}

/** The URL of a test image / video on a public CDN (never fetched: Graph calls are mocked). */
export const IMG = 'https://cdn.example.com/a.jpg';
export const VID = 'https://cdn.example.com/r.mp4';
