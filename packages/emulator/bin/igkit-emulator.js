#!/usr/bin/env node
// The `igkit-emulator` command. An installed package runs its build (dist/cli.js). Inside the igkit repository, right
// after `npm ci` (no build yet), it runs the TypeScript sources through tsx, resolving the workspace packages
// to their sources (the `source` export condition) — so `npx igkit-emulator` works in a fresh clone.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const built = new URL('../dist/cli.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const hook =
    'export async function resolve(specifier, context, next) {' +
    " return next(specifier, { ...context, conditions: [...context.conditions, 'source'] }); }";
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    process.stderr.write(
      'igkit-emulator: this checkout is not built and tsx is missing: run `npm ci` (or `npm run build`)\n',
    );
    process.exit(1);
  }
  tsx.register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
