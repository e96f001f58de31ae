import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_DOC_PATH, renderApiDoc } from '../../../scripts/gen-api-doc.js';

describe('docs/api.md', () => {
  it('is what scripts/gen-api-doc.ts generates from the OpenAPI document (run it after changing a route)', () => {
    const doc = renderApiDoc();
    expect(doc).toContain('### `POST /v1/posts`');
    expect(readFileSync(API_DOC_PATH, 'utf8')).toBe(doc);
  });
});
