import type { Command } from 'commander';
import { migrate, migrationStatus } from '../db/migrate.ts';
import { configOf, print, withDatabase } from './context.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('migrate the database and serve the API')
    .option('--no-migrate', 'do not migrate at start-up')
    .action(async (opts: { migrate: boolean }, cmd: Command) => {
      const config = configOf(cmd);
      await withDatabase(config, async (db) => {
        print(`database: ${db.location} (${db.backend})`);
        if (opts.migrate) {
          await migrate(db, { features: { memory: config.memory }, log: (l) => print(`  ${l}`) });
        }
        const s = await migrationStatus(db);
        print(`schema: ${s.applied.length} migrations applied, ${s.pending.length} pending, memory ${config.memory ? 'on' : 'off'}`);
      });
    });
}
