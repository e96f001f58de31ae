/**
 * How the demo reports progress: a real progress bar on a terminal, plain lines otherwise
 * (CI logs, pipes), nothing at all in tests.
 */
import cliProgress from 'cli-progress';

export interface DemoReporter {
  /** A new step begins; `total` is the number of steps. */
  step(index: number, total: number, title: string): void;
  /** A line of result under the current step. */
  info(line: string): void;
  done(): void;
}

export const silentReporter: DemoReporter = { step() {}, info() {}, done() {} };

/** Plain lines on a stream: used when stdout is not a terminal. */
export function lineReporter(out: NodeJS.WritableStream = process.stdout): DemoReporter {
  return {
    step: (index, total, title) => out.write(`[${index}/${total}] ${title}\n`),
    info: (line) => out.write(`      ${line}\n`),
    done: () => {},
  };
}

/** A cli-progress bar over the demo steps; result lines are printed above the bar. */
export function barReporter(): DemoReporter {
  const bar = new cliProgress.SingleBar(
    { format: ' {bar} {value}/{total} {title}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    step(index, total, title) {
      if (!started) {
        bar.start(total, index - 1, { title });
        started = true;
      }
      bar.update(index - 1, { title });
    },
    info(line) {
      // Print above the bar without tearing it.
      process.stdout.write(`\r\x1b[2K  ${line}\n`);
      if (started) bar.render();
    },
    done() {
      if (started) {
        bar.update(bar.getTotal());
        bar.stop();
      }
    },
  };
}

/** The right reporter for the current stdout. */
export function defaultReporter(): DemoReporter {
  return process.stdout.isTTY ? barReporter() : lineReporter();
}
