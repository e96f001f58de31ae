#!/usr/bin/env node
/**
 * `igkit-emulator [--port 4010] [--host 127.0.0.1] [--seed N] [--account] [--allow-host NAME]…
 * [--control-token T]`: runs the emulator.
 * Prints the base URL on the first line; with `--account`, also one created account as JSON.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from './compose.js';

const USAGE = `usage: igkit-emulator [--port 4010] [--host 127.0.0.1] [--seed N] [--account]
                      [--allow-host NAME]... [--control-token TOKEN]

  --port           TCP port (0 = any free port; default 4010)
  --host           interface to bind (default 127.0.0.1)
  --seed           seed for ids, tokens and insight values (default 1)
  --account        create one account at start-up and print it as JSON
  --allow-host     a Host name (besides loopback) the control plane accepts, e.g. a Docker service name
  --control-token  require this token in X-Igkit-Control-Token on control requests
                   (default: $IGKIT_EMULATOR_CONTROL_TOKEN, else none)
Control plane: http://<host>:<port>/__emulator/* (see docs/emulator.md)`;

async function main(argv: string[]): Promise<number> {
  let values: {
    port?: string;
    host?: string;
    seed?: string;
    account?: boolean;
    help?: boolean;
    'allow-host'?: string[];
    'control-token'?: string;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        account: { type: 'boolean' },
        'allow-host': { type: 'string', multiple: true },
        'control-token': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    process.stderr.write(`igkit-emulator: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = Number(values.port ?? 4010);
  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isFinite(seed)) {
    process.stderr.write(`igkit-emulator: --port must be 0–65535 and --seed a number\n`);
    return 2;
  }
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  try {
    const controlToken = values['control-token'] ?? process.env['IGKIT_EMULATOR_CONTROL_TOKEN'];
    emu = await startEmulator({
      port,
      seed,
      host: values.host ?? '127.0.0.1',
      allowedHosts: values['allow-host'] ?? [],
      ...(controlToken === undefined || controlToken === '' ? {} : { controlToken }),
    });
  } catch (e) {
    process.stderr.write(`igkit-emulator: cannot listen: ${(e as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`igkit-emulator listening on ${emu.url}\n`);
  if (values.account === true) process.stdout.write(`${JSON.stringify(await emu.control.createAccount())}\n`);
  const stop = () => {
    emu.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`igkit-emulator: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
