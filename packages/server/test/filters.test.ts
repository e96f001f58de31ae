import { describe, expect, it } from 'vitest';
import { filtered } from '../src/store/filters.js';

describe('filtered', () => {
  it('keeps conditions with a value, numbers every placeholder in order, and clamps the limit', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const r = filtered(
      [
        ['a = ?', 'x'],
        ['b = ?', undefined],
        ['(c, d) > (?, ?::uuid)', at, 'id-1'],
        ['e = ?', ''],
      ],
      'c, d',
      { value: 5000, fallback: 50, max: 500 },
    );
    expect(r.sql).toBe('WHERE a = $1 AND (c, d) > ($2, $3::uuid) ORDER BY c, d LIMIT $4');
    expect(r.params).toEqual(['x', at, 'id-1', 500]);
    expect(filtered([], 'id', { value: undefined, fallback: 50, max: 500 })).toEqual({
      sql: 'ORDER BY id LIMIT $1',
      params: [50],
    });
    expect(filtered([], 'id', { value: -3, fallback: 50, max: 500 }).params).toEqual([1]);
  });

  it("never puts a value into the SQL text (a value holding '?' or quotes stays a parameter)", () => {
    const evil = "x' OR 1=1 -- ?";
    const r = filtered([['name = ?', evil]], 'id', { value: 10, fallback: 50, max: 500 });
    expect(r.sql).not.toContain(evil);
    expect(r.params[0]).toBe(evil);
  });
});
