import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PlatformId } from '../../src/shared/domain';
import type { CredentialsProvider } from '../../src/main/core/ports/credentials';
import { ManualClock } from '../../src/main/core/ports/doubles';
import type { TimerHandle } from '../../src/main/core/ports/ports';
import type { PostPart } from '../../src/shared/domain';

/** Direct SQL on a test engine's database, for rows no channel creates (accounts) and for checks. */
export class PublishingFixture {
  readonly db: Database.Database;
  /** With `secrets`, accounts get a saved sign-in, so the accounts service's checks leave them connected. */
  constructor(
    dataDir: string,
    private readonly secrets?: { set(key: string, value: string): Promise<void> },
  ) {
    this.db = new Database(join(dataDir, 'outbox.db'));
    this.db.pragma('busy_timeout = 5000');
  }

  /**
   * Inserts a connected account; returns its id. It does not hand posts to its platform's own
   * scheduler unless `handOff` says so (these accounts are for Outbox's own publishing).
   */
  account(platform: PlatformId, handle = `${platform}-${randomUUID().slice(0, 6)}`, connection: 'connected' | 'disconnected' | 'token_expired' = 'connected', handOff = false): string {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO accounts (id, platform, platform_user_id, handle, display_name, instance_url, active, connection, meta, hand_off, created_at, updated_at)
         VALUES (@id, @platform, @uid, @handle, @handle, '', 1, @connection, '{}', @handOff, 0, 0)`,
      )
      .run({ id, platform, uid: `uid-${id}`, handle, connection, handOff: handOff ? 1 : 0 });
    void this.secrets?.set(`account:${id}`, JSON.stringify({ v: 1, secrets: { token: 'fixture' }, tokenExpiresAt: null }));
    return id;
  }

  /** Inserts a post with one entry per account straight into the tables (states channels cannot make). */
  post(options: { accountIds: string[]; platform?: PlatformId | ((accountId: string) => PlatformId); status?: string; scheduledAt?: number | null; parts?: PostPart[]; repeat?: unknown }): string {
    const id = randomUUID();
    this.db
      .prepare(`INSERT INTO posts (id, status, scheduled_at, parts, repeat, created_at, updated_at) VALUES (@id, @status, @at, @parts, @repeat, 0, 0)`)
      .run({
        id,
        status: options.status ?? 'scheduled',
        at: options.scheduledAt ?? null,
        parts: JSON.stringify(options.parts ?? [{ text: 'hello', media: [] }]),
        repeat: options.repeat ? JSON.stringify(options.repeat) : null,
      });
    options.accountIds.forEach((accountId, position) => {
      const platform = typeof options.platform === 'function' ? options.platform(accountId) : (options.platform ?? this.platformOf(accountId));
      this.db
        .prepare(`INSERT INTO entries (id, post_id, account_id, platform, content_type, position) VALUES (@id, @postId, @accountId, @platform, 'post', @position)`)
        .run({ id: randomUUID(), postId: id, accountId, platform, position });
    });
    return id;
  }

  platformOf(accountId: string): PlatformId {
    return (this.db.prepare('SELECT platform FROM accounts WHERE id = ?').get(accountId) as { platform: PlatformId }).platform;
  }

  postRow(id: string) {
    return this.db.prepare('SELECT * FROM posts WHERE id = ?').get(id) as { status: string; scheduled_at: number | null; overdue: number; published_at: number | null; repeat: string | null };
  }

  entries(postId: string) {
    return this.db.prepare('SELECT * FROM entries WHERE post_id = ? ORDER BY position').all(postId) as Array<{
      id: string;
      account_id: string | null;
      status: string;
      error_message: string | null;
      attempt_key: string | null;
      attempt_count: number;
      next_attempt_at: number | null;
      platform_post_id: string | null;
    }>;
  }

  attempts(entryId: string) {
    return this.db.prepare('SELECT * FROM attempts WHERE entry_id = ? ORDER BY id').all(entryId) as Array<{ outcome: string; message: string | null; http_status: number | null; attempt_key: string }>;
  }

  close() {
    this.db.close();
  }
}

/** Credentials the test controls: secrets per account, whether a refresh works, who got expired. */
export class TestCredentials implements CredentialsProvider {
  readonly refreshed: string[] = [];
  readonly expired: Array<{ accountId: string; reason: string }> = [];
  refreshWorks = true;
  /** When set, the next refresh throws this (the platform could not be reached). */
  refreshThrows: Error | null = null;
  constructor(private readonly fixture?: () => PublishingFixture | undefined) {}
  async get(accountId: string) {
    const row = this.fixture?.()?.db.prepare('SELECT connection FROM accounts WHERE id = ?').get(accountId) as { connection: string } | undefined;
    if (row && row.connection === 'disconnected') throw new Error('account not connected');
    return { token: `token-${accountId}-${this.refreshed.filter((a) => a === accountId).length}` };
  }
  async refresh(accountId: string) {
    this.refreshed.push(accountId);
    const error = this.refreshThrows;
    this.refreshThrows = null;
    if (error) throw error;
    return this.refreshWorks;
  }
  async markExpired(accountId: string, reason: string) {
    this.expired.push({ accountId, reason });
    this.fixture?.()?.db.prepare("UPDATE accounts SET connection = 'token_expired' WHERE id = ?").run(accountId);
  }
}

/** A ManualClock that counts how often an armed timer fired. */
export class CountingClock extends ManualClock {
  fired = 0;
  override setTimeout(fn: () => void, ms: number): TimerHandle {
    return super.setTimeout(() => {
      this.fired++;
      fn();
    }, ms);
  }
}
