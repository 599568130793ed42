/**
 * `tripsage` — the command line. Thin: each command parses flags, opens the database and calls
 * the same modules the HTTP API uses. Every failure leaves through one path (errors.ts).
 */
import { Command, CommanderError } from 'commander';
import { registerBackupCommands, registerDbCommands } from './db.commands.ts';
import { registerServeCommand } from './serve.command.ts';
import { registerTokenCommand } from './token.command.ts';
import { registerKeysCommands } from './keys.command.ts';
import { registerExportCommand } from './export.command.ts';
import { registerImportCommand } from './import.command.ts';
import { registerDemoCommand } from './demo.command.ts';
import { registerUsersCommands } from './users.command.ts';
import { registerJobsCommands } from './jobs.command.ts';
import { registerDbStatsCommand } from './stats.command.ts';
import { registerChatCommand } from './chat.command.ts';
import { registerRatesCommands } from './rates.command.ts';
import { presentError } from './errors.ts';
import { registerRestCommands } from './rest.command.ts';

// Everything this process creates is owner-only: the embedded database, its secrets, backups
// and exports hold password hashes, keys and users' trips (src/db/data-dir.ts does the rest).
process.umask(0o077);

const program = new Command('tripsage')
  .description('TripSage: travel-planning database and API, embedded (PGlite) or on PostgreSQL')
  .option('--data-dir <dir>', 'embedded database directory (env TRIPSAGE_DATA_DIR, default ./.tripsage/data)')
  .option('--database-url <url>', 'PostgreSQL server instead of the embedded database (env DATABASE_URL)')
  .showHelpAfterError()
  .exitOverride();

registerDbCommands(program);
registerDbStatsCommand(program);
registerBackupCommands(program);
registerServeCommand(program);
registerTokenCommand(program);
registerKeysCommands(program);
registerUsersCommands(program);
registerExportCommand(program);
registerImportCommand(program);
registerDemoCommand(program);
registerJobsCommands(program);
registerRatesCommands(program);
registerRestCommands(program);
registerChatCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode); // commander printed it
  const { line, exitCode } = presentError(e, process.env.TRIPSAGE_DEBUG === '1');
  process.stderr.write(`${line}\n`);
  process.exit(exitCode);
}
