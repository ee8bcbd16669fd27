// The engine in a separate process for the import crash test: it commits a CSV import and is
// SIGKILLed by the test in the middle of the commit's transaction. Each post insert is slowed a
// little so the transaction lasts long enough for a kill to land inside it.
// Usage: node child.mjs <dataDir> <csvFile> <skip: comma-separated rows> <migrationsDir>
import { readFileSync } from 'node:fs';
import { createCore } from '../../../../src/main/core/create-core';
import { loadMigrations } from '../../../../src/main/core/db/migrate';
import { MemorySecretStore } from '../../../../src/main/core/ports/doubles';
import type { PostStore } from '../../../../src/main/core/posts/post-store.repo';

const [dataDir, csvFile, skipList, migrationsDir] = process.argv.slice(2) as [string, string, string, string];
let inserted = 0;
const slow = (store: PostStore): PostStore => ({
  ...store,
  insertPost(p) {
    if (inserted++ === 0) process.stdout.write('inside\n');
    const until = performance.now() + 1;
    while (performance.now() < until) {
      // Busy on purpose: the transaction is synchronous, a timer could not run inside it.
    }
    store.insertPost(p);
  },
});
const core = await createCore({
  dataDir,
  secrets: new MemorySecretStore(),
  credentials: { get: async () => ({}), refresh: async () => false, markExpired: async () => {} },
  migrations: loadMigrations(migrationsDir),
  instrumentStore: slow,
  dailyUpkeep: false,
});
process.stdout.write('ready\n');
const result = await core.invoke('transfer:importCommit', { source: { csv: readFileSync(csvFile, 'utf8') }, skip: skipList ? skipList.split(',').map(Number) : [] });
process.stdout.write(`${JSON.stringify(result.ok ? { created: result.value.created } : result.error)}\n`);
await core.close();
process.exit(0);
