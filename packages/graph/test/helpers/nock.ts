import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';

/** Registers the nock lifecycle for a test file: no real network, and a clean slate after every test. */
export function useNock(): void {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}
