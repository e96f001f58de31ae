/**
 * `igkit start` and `igkit demo`: run the service in this process until SIGINT/SIGTERM (the first stops taking
 * work, lets in-flight jobs finish and closes the store; a second exits at once).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, type ServiceRole } from '../config/config.js';
import { defaultReporter, lineReporter } from '../demo/reporter.js';
import { nextSteps, runServiceDemo } from '../demo/service-demo.js';
import { createLogger } from '../log/logger.js';
import { startBanner, startIgkit } from '../runtime/start-service.js';
import { EXIT } from './client.js';

export interface StartCommandOptions {
  role?: ServiceRole;
  demo: 'first' | 'always' | 'never';
  json: boolean;
  /** Stop after the demo (`igkit demo --exit`). */
  exitAfterDemo: boolean;
}

function emulatorPort(env: Record<string, string | undefined>): number {
  const raw = env['IGKIT_EMULATOR_PORT'];
  if (raw === undefined || raw === '') return 8788;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65_535)
    throw new ConfigError('IGKIT_EMULATOR_PORT', 'expected a port from 0 to 65535');
  return n;
}

export async function runStart(opts: StartCommandOptions): Promise<number> {
  const config = loadConfig();
  if (opts.role) config.role = opts.role;
  const log = createLogger({ level: config.logLevel });
  const run = await startIgkit({
    config,
    log,
    emulatorPort: emulatorPort(process.env),
  });
  // With --json, stdout holds exactly one JSON document; everything for people goes to stderr.
  const say = (line: string) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`);

  let stopping = false;
  let signals = 0;
  let resolveStopped: (code: number) => void = () => {};
  const stopped = new Promise<number>((r) => {
    resolveStopped = r;
  });
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    run.stop().then(
      () => resolveStopped(code),
      (e: unknown) => {
        process.stderr.write(`igkit: stop failed: ${(e as Error).message}\n`);
        resolveStopped(EXIT.failed);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`igkit: ${signal} again, exiting now\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    process.stderr.write(
      `igkit: ${signal} received, stopping: no new work, in-flight jobs finish (send it again to exit at once)\n`,
    );
    stop(EXIT.ok);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const runDemo =
    run.emulator !== undefined &&
    run.apiUrl !== undefined &&
    (opts.demo === 'always' || (opts.demo === 'first' && run.firstStart));
  if (!(opts.json && opts.exitAfterDemo)) {
    if (opts.json)
      process.stdout.write(
        `${JSON.stringify({
          role: run.role,
          apiUrl: run.apiUrl,
          webhookUrl: run.webhookUrl,
          emulatorUrl: run.emulator?.url,
          dataDir: config.databaseUrl ? undefined : config.dataDir,
          apiKey: run.firstStartKey,
          embedded: run.emulator !== undefined,
          demo: runDemo,
        })}\n`,
      );
    else for (const line of startBanner(run, config)) say(line);
  }

  if (runDemo && run.emulator && run.apiUrl) {
    say('');
    say('Running the demo through the service (first start; `igkit demo` runs it again):');
    try {
      const summary = await runServiceDemo({
        service: run.service,
        emulator: run.emulator,
        dm: run.receivesWebhooks,
        reporter: opts.json
          ? lineReporter(process.stderr)
          : process.stdout.isTTY
            ? defaultReporter()
            : lineReporter(),
      });
      for (const line of nextSteps(run.apiUrl)) say(line);
      if (opts.exitAfterDemo) {
        if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        stop(summary.ok ? EXIT.ok : EXIT.failed);
      }
    } catch (e) {
      if (!stopping) {
        process.stderr.write(`igkit: the demo failed: ${(e as Error).message}\n`);
        if (opts.exitAfterDemo) stop(EXIT.failed);
      }
    }
  } else if (opts.exitAfterDemo) {
    process.stderr.write('igkit: no demo to run (it needs the embedded emulator and the API role)\n');
    stop(EXIT.usage);
  }
  const code = await stopped;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return code;
}

function role(value: string): ServiceRole {
  if (value !== 'all' && value !== 'api' && value !== 'worker')
    throw new InvalidArgumentError('expected all, api or worker');
  return value;
}

export function registerStartCommands(program: Command, setExit: (code: number) => void): void {
  program
    .command('start')
    .description(
      'run the service: HTTP API + webhook receiver, queue workers, and the local emulator without Meta credentials',
    )
    .addOption(
      new Option('--role <role>', 'all, api (HTTP API + webhooks) or worker (queue workers)').argParser(role),
    )
    .option('--no-demo', 'skip the demo on first start')
    .option('--json', 'print the start block as one JSON object on stdout (logs and progress on stderr)')
    .action(async (o: { role?: ServiceRole; demo: boolean; json?: boolean }) => {
      setExit(
        await runStart({
          ...(o.role ? { role: o.role } : {}),
          demo: o.demo ? 'first' : 'never',
          json: o.json === true,
          exitAfterDemo: false,
        }),
      );
    });
  program
    .command('demo')
    .description(
      'start the service against the local emulator and run the demo (posts, a DM, the audit trail)',
    )
    .option('--exit', 'stop after the demo; exit code 0 when it passed')
    .option('--json', 'with --exit: print only the summary as JSON on stdout')
    .action(async (o: { exit?: boolean; json?: boolean }) => {
      setExit(await runStart({ demo: 'always', json: o.json === true, exitAfterDemo: o.exit === true }));
    });
}
