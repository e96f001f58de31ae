/**
 * `igkit`: `start` and `demo` run the service; every other command talks to the running service's API
 * (`IGKIT_URL`, `IGKIT_API_KEY`). Errors print as one line with what to do next, never a stack trace for an
 * expected error; exit codes are in {@link EXIT}.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { API_VERSION } from '../http/app.js';
import { StartError } from '../runtime/embedded-emulator.js';
import { CliError, EXIT } from './client.js';
import { registerApiCommands } from './commands.js';
import { red } from './output.js';
import { registerStartCommands } from './start.js';

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command()
    .name('igkit')
    .description('Publish to Instagram and message Instagram users through the official Graph API.')
    .version(API_VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(red(s)) });
  registerStartCommands(program, setExit);
  registerApiCommands(program, setExit);
  program.addHelpText(
    'after',
    '\nEnvironment: IGKIT_URL (default http://127.0.0.1:8787), IGKIT_API_KEY. Exit codes: 0 ok, 1 refused/failed, 2 usage, 3 service unreachable.',
  );
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exit: number = EXIT.ok;
  const program = buildProgram((code) => {
    exit = code;
  });
  try {
    await program.parseAsync(argv);
    return exit;
  } catch (e) {
    if (e instanceof CommanderError)
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code)
        ? EXIT.ok
        : EXIT.usage;
    if (e instanceof CliError) {
      process.stderr.write(`${red(`igkit: ${e.message}`)}${e.hint ? ` (${e.hint})` : ''}\n`);
      return e.exitCode;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`${red(`igkit: configuration: ${e.message}`)}\n`);
      return EXIT.usage;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${red(`igkit: ${message}`)}\n`);
    if (!(e instanceof StartError) && process.env['IGKIT_DEBUG'] && e instanceof Error)
      process.stderr.write(`${e.stack}\n`);
    return EXIT.failed;
  }
}
