#!/usr/bin/env node
// pullguard's command line: serve, watch, audit, diagnose, certs. Installed also as
// `kubectl-pullguard`, so `kubectl pullguard diagnose POD` works.

import { Command, CommanderError } from 'commander';
import { ConfigError } from './config/load.js';
import { auditCommand } from './cli/audit.js';
import { certsCommand } from './cli/certs.js';
import { diagnoseCommand } from './cli/diagnose.js';
import { EXIT_BAD_INPUT, UsageError } from './cli/errors.js';
import { serveCommand } from './cli/serve.js';
import { watchCommand } from './cli/watch.js';

export function buildProgram(): Command {
  const program = new Command('pullguard')
    .description('stop image-pull failures before they happen: admission webhook, runtime watcher, CI audit')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(serveCommand());
  program.addCommand(watchCommand());
  program.addCommand(auditCommand());
  program.addCommand(certsCommand());
  program.addCommand(diagnoseCommand());
  for (const command of program.commands) command.exitOverride();
  return program;
}

async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`pullguard: ${error.message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    process.stderr.write(`pullguard: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT_BAD_INPUT;
  }
}

// `pullguard audit --help | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

await main(process.argv);
