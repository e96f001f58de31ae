import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, withCorrelation } from '../src/log/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('redacts tokens, secrets, authorization headers and message/caption text, and puts a correlation id on every line', async () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination, pretty: false });
    log.info({ accessToken: 'EAAB-canary', text: 'private words' }, 'a');
    withCorrelation('corr-7', () =>
      log.warn(
        {
          req: { headers: { authorization: 'Bearer EAAB-canary' } },
          post: { caption: 'secret caption', id: '1' },
        },
        'b',
      ),
    );
    log.error(
      { account: { appSecret: 'shh-canary', token: 'IGQV-canary' }, message: { text: 'hello canary' } },
      'c',
    );
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(3);
    const all = lines.join('\n');
    for (const secret of [
      'EAAB-canary',
      'private words',
      'secret caption',
      'shh-canary',
      'IGQV-canary',
      'hello canary',
    ])
      expect(all).not.toContain(secret);
    const parsed = lines.map((l) => JSON.parse(l) as { correlationId: string; post?: { id: string } });
    expect(parsed.every((p) => typeof p.correlationId === 'string' && p.correlationId.length > 0)).toBe(true);
    expect(parsed[1]?.correlationId).toBe('corr-7');
    expect(parsed[1]?.post?.id).toBe('1');
  });

  it('prints short human-readable lines on a TTY', async () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination, pretty: true });
    log.info({ postId: 'p1' }, 'post published');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d info {2}post published .*postId=p1/);
  });
});
