import { describe, expect, it } from 'vitest';
import { BODY_SCAN_MAX, graphApiErrorFromResponse } from '../../src/core/error-response.js';
import { emptyUsageSnapshot } from '../../src/core/usage-headers.js';

function describeHtml(bodyText: string, contentType = 'text/html'): string {
  return graphApiErrorFromResponse({
    status: 502,
    headers: new Headers({ 'content-type': contentType }),
    bodyText,
    usage: emptyUsageSnapshot(),
    nowMs: 0,
    secrets: ['SECRET-TOKEN-123'],
  }).message;
}

describe('non-JSON error bodies (issue 12 finding 1: no quadratic scan)', () => {
  it('describes an HTML page by its <title>, redacted', () => {
    const msg = describeHtml(
      '<html><head><TITLE class="x">502 Bad SECRET-TOKEN-123</TITLE></head><body>x</body></html>',
    );
    expect(msg).toContain('non-JSON body (text/html): "502 Bad [REDACTED]"');
  });

  it('strips tags when there is no title, and says when the body is empty', () => {
    expect(describeHtml('<p>upstream <b>down</b></p>')).toContain('"upstream down"');
    expect(describeHtml('  ')).toContain('empty body (text/html)');
    expect(describeHtml('<titlebar>no</titlebar> plain')).toContain('"no plain"');
  });

  it('pathological bodies (hundreds of KB of "<" or unclosed "<title") are described in linear time', () => {
    // The former regexes took ~13 s on 100 KB of "<"; a linear scan of a bounded prefix takes microseconds.
    const started = performance.now();
    for (const body of [
      '<'.repeat(400_000),
      '<title'.repeat(80_000),
      '<title>'.repeat(60_000),
      '<a'.repeat(200_000),
    ]) {
      expect(describeHtml(body)).toContain('non-JSON body');
    }
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('looks only at a bounded prefix: a title past the scan window is not read', () => {
    const late = `${'x'.repeat(BODY_SCAN_MAX)}<title>late</title>`;
    expect(describeHtml(late)).not.toContain('late');
  });
});
