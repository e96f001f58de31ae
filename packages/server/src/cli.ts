#!/usr/bin/env node
/**
 * `igkit` command line. Errors print as one clear line (never a stack, never a secret) with a
 * non-zero exit code.
 */
import { Command, InvalidArgumentError } from 'commander';
import { defaultReporter, lineReporter } from './demo/reporter.js';
import { runDemo } from './demo/run-demo.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

const program = new Command()
  .name('igkit')
  .description('Publish to Instagram and message Instagram users through the official Graph API.');

program
  .command('demo')
  .description('run publishing and messaging end to end against the local emulator (no Meta credentials)')
  .option('--video-ms <ms>', 'emulated video processing time', positiveInt, 2500)
  .option('--plain', 'plain log lines instead of a progress bar')
  .option('--json', 'print the summary as JSON')
  .action(async (opts: { videoMs: number; plain?: boolean; json?: boolean }) => {
    const summary = await runDemo({
      reporter: opts.json ? undefined : opts.plain ? lineReporter() : defaultReporter(),
      videoProcessingMs: opts.videoMs,
    });
    if (opts.json) console.log(JSON.stringify(summary, null, 2));
    const ok =
      summary.failures.length === 0 &&
      summary.groundTruth.duplicatePublishes === 0 &&
      summary.dm.echoReceived &&
      summary.privacyClean;
    console.log(ok ? 'demo: all checks passed' : 'demo: some checks FAILED');
    if (!ok) process.exitCode = 1;
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`igkit: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
