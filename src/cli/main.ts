/**
 * `tripsage` — the command line. Thin: each command parses flags, opens the database and calls
 * the same modules the HTTP API uses.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { DataDirLockedError } from '../db/data-dir.ts';
import { BackupError } from '../db/backup.ts';
import { DbError } from '../db/errors.ts';
import { KeyRingError } from '../keys/crypto.ts';
import { TokenConfigError } from '../auth/tokens.ts';
import { MigrationError } from '../db/migrate.ts';
import { CliError } from './context.ts';
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
registerChatCommand(program);

const KNOWN = [BackupError, CliError, ConfigError, MigrationError, DataDirLockedError, DbError, KeyRingError, TokenConfigError];

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (KNOWN.some((k) => e instanceof k)) {
    process.stderr.write(`tripsage: ${(e as Error).message}\n`);
    process.exit(e instanceof CliError ? e.exitCode : 1);
  }
  throw e;
}
