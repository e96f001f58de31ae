/**
 * Structured logs: pino JSON lines with a correlation id on every line (from {@link withCorrelation}) and
 * `redact` paths for tokens, secrets, authorization headers and message/caption text. On a TTY the lines are
 * rendered as short human-readable text instead.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const correlation = new AsyncLocalStorage<string>();

/** Runs `fn` with `id` as the correlation id of every log line written inside it. */
export function withCorrelation<T>(id: string, fn: () => T): T {
  return correlation.run(id, fn);
}

/** The correlation id in scope, if any. */
export function currentCorrelationId(): string | undefined {
  return correlation.getStore();
}

/** Keys whose values never reach a log line, at any depth pino's redaction supports. */
export const REDACT_PATHS: readonly string[] = [
  'accessToken',
  'access_token',
  'token',
  'appSecret',
  'app_secret',
  'secret',
  'secretKey',
  'apiKey',
  'password',
  'authorization',
  'text',
  'caption',
  'message.text',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.accessToken',
  '*.access_token',
  '*.token',
  '*.appSecret',
  '*.secret',
  '*.apiKey',
  '*.authorization',
  '*.text',
  '*.caption',
];

/** Renders pino's JSON lines as `HH:MM:SS level msg key=value …` for people at a terminal. */
function prettyStream(out: NodeJS.WritableStream): DestinationStream {
  const names: Record<number, string> = {
    10: 'trace',
    20: 'debug',
    30: 'info',
    40: 'warn',
    50: 'error',
    60: 'fatal',
  };
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        try {
          const {
            time,
            level,
            msg,
            pid: _p,
            hostname: _h,
            ...rest
          } = JSON.parse(line) as Record<string, unknown>;
          const extra = Object.entries(rest)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ');
          const at = new Date(Number(time)).toISOString().slice(11, 19);
          out.write(
            `${at} ${(names[Number(level)] ?? String(level)).padEnd(5)} ${String(msg ?? '')} ${extra}\n`,
          );
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go. @default stderr (stdout stays free for command output) */
  destination?: NodeJS.WritableStream;
  /** Force the human format on or off. @default whether the destination is a TTY */
  pretty?: boolean;
}

/** Builds the service logger. Every line carries `correlationId` (the one in scope, or the process's). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const out = options.destination ?? process.stderr;
  const pretty = options.pretty ?? Boolean((out as { isTTY?: boolean }).isTTY);
  const processId = randomUUID();
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      mixin: () => ({ correlationId: correlation.getStore() ?? processId }),
    },
    pretty ? prettyStream(out) : (out as DestinationStream),
  );
}

/** A logger that writes nothing (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
