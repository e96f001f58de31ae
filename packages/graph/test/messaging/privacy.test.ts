import { describe, expect, it } from 'vitest';
import { mentionsSecret, redactSecrets } from '../../src/messaging/privacy.js';

describe('messaging privacy helpers', () => {
  it('redactSecrets scrubs every secret of 6+ characters and leaves shorter strings alone', () => {
    const text = 'sent EAAB-token-123 with text hello world; short hi stays';
    expect(redactSecrets(text, ['EAAB-token-123', 'hello world', 'hi', undefined])).toBe(
      'sent [REDACTED] with text [REDACTED]; short hi stays',
    );
  });

  it('redactSecrets leaves no secret behind when secrets overlap', () => {
    const out = redactSecrets('abcdefgh-XYZ', ['abcdef', 'defgh-XYZ']);
    expect(out).not.toContain('abcdef');
    expect(out).not.toContain('defgh-XYZ');
  });

  it('mentionsSecret spots a secret or a 6+ character fragment of one', () => {
    expect(mentionsSecret('x-EAAB-token-123-y', ['EAAB-token-123'])).toBe(true);
    expect(mentionsSecret('token-1', ['EAAB-token-123'])).toBe(true);
    expect(mentionsSecret('AbCdEf123', ['EAAB-token-123', undefined])).toBe(false);
    expect(mentionsSecret('hi', ['hi'])).toBe(false);
  });
});
