#!/usr/bin/env node
/** The `igkit` binary. See cli/main.ts. */
import { main } from './cli/main.js';

const code = await main(process.argv);
process.exitCode = code;
// `start` may leave handles (pools, sockets) closing in the background: do not wait on them for long.
setTimeout(() => process.exit(code), 2000).unref();
