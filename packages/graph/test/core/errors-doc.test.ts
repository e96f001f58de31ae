import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS_DOC_PATH, renderErrorsDoc } from '../../../../scripts/gen-errors-doc.js';
import { ERROR_CATALOGUE, ERROR_CATALOGUE_VERSION } from '../../src/core/error-catalogue.js';

describe('docs/errors.md', () => {
  it('is exactly what scripts/gen-errors-doc.ts generates from the catalogue', () => {
    const committed = readFileSync(ERRORS_DOC_PATH, 'utf8');
    // On failure run: npx tsx --conditions=source scripts/gen-errors-doc.ts
    expect(committed).toBe(renderErrorsDoc());
  });

  it('lists every catalogue entry and the catalogue version', () => {
    const doc = renderErrorsDoc();
    expect(doc).toContain(`\`${ERROR_CATALOGUE_VERSION}\``);
    const rows = doc.split('\n').filter((l) => /^\| -?\d/.test(l));
    expect(rows).toHaveLength(ERROR_CATALOGUE.length);
    for (const e of ERROR_CATALOGUE) {
      const code = e.codeMax === undefined ? String(e.code) : `${e.code}–${e.codeMax}`;
      const row = `| ${code} | ${e.subcode ?? '–'} | \`${e.category}\` | \`${e.action}\` | ${e.retryable ? 'yes' : 'no'} |`;
      expect(rows.some((r) => r.startsWith(row))).toBe(true);
    }
  });
});
