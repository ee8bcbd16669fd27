import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PlatformId } from '../../src/shared/domain';

/** What a test account row may set; everything else gets a plain default. */
export interface FixtureAccount {
  id?: string;
  platform: PlatformId;
  handle?: string;
  active?: boolean;
  meta?: Record<string, unknown>;
  /** Whether the platform's own scheduler holds its scheduled posts (default off: posts tests leave the engine out of it). */
  handOff?: boolean;
}

/**
 * Inserts account rows straight into a core's database (the accounts service's connect flows
 * need live platforms; posts tests only need the rows). Returns the ids in order.
 */
export function insertAccounts(dataDir: string, accounts: FixtureAccount[]): string[] {
  const db = new Database(join(dataDir, 'outbox.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare(
      `INSERT INTO accounts (id, platform, platform_user_id, handle, display_name, instance_url, active, connection, meta, created_at, updated_at, hand_off)
       VALUES (@id, @platform, @platformUserId, @handle, @handle, @instanceUrl, @active, 'connected', @meta, @createdAt, @createdAt, @handOff)`,
    );
    let at = Date.UTC(2025, 0, 1);
    return accounts.map((a) => {
      const id = a.id ?? randomUUID();
      insert.run({
        id,
        platform: a.platform,
        platformUserId: randomUUID(),
        handle: a.handle ?? `${a.platform}-user`,
        instanceUrl: a.platform === 'mastodon' ? 'https://mastodon.example' : '',
        active: a.active === false ? 0 : 1,
        meta: JSON.stringify(a.meta ?? {}),
        createdAt: at++,
        handOff: a.handOff ? 1 : 0,
      });
      return id;
    });
  } finally {
    db.close();
  }
}

/** Runs SQL against a core's database file (to set states the engine would, e.g. a published entry). */
export function withDb<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'outbox.db'));
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}
