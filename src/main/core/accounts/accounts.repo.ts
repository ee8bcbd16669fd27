import type { Account, ConnectionState, PlatformId } from '../../../shared/domain';
import type { PublishAccount } from '../../platforms/types';
import { platformSpec } from '../../../shared/platforms/catalog';
import type { Db } from '../db/database';

/** An accounts row as the service works with it (times in UTC ms). */
export interface AccountRow {
  id: string;
  platform: PlatformId;
  platformUserId: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
  instanceUrl: string;
  active: boolean;
  connection: ConnectionState;
  tokenExpiresAt: number | null;
  lastCheckedAt: number | null;
  meta: Record<string, unknown>;
  /** "Let <platform> publish my scheduled posts" (meaningful where the platform has a scheduler). */
  handOff: boolean;
  createdAt: number;
  updatedAt: number;
}

interface RawRow {
  id: string;
  platform: string;
  platform_user_id: string;
  handle: string;
  display_name: string;
  avatar_url: string | null;
  instance_url: string;
  active: number;
  connection: string;
  token_expires_at: number | null;
  last_checked_at: number | null;
  meta: string;
  hand_off: number;
  created_at: number;
  updated_at: number;
}

function parseMeta(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function fromRaw(r: RawRow): AccountRow {
  return {
    id: r.id,
    platform: r.platform as PlatformId,
    platformUserId: r.platform_user_id,
    handle: r.handle,
    displayName: r.display_name,
    avatarUrl: r.avatar_url,
    instanceUrl: r.instance_url,
    active: r.active === 1,
    connection: r.connection as ConnectionState,
    tokenExpiresAt: r.token_expires_at,
    lastCheckedAt: r.last_checked_at,
    meta: parseMeta(r.meta),
    handOff: r.hand_off === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The contract's Account (no secrets, no meta). */
export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    platform: row.platform,
    handle: row.handle,
    displayName: row.displayName,
    avatarUrl: row.avatarUrl,
    instanceUrl: row.instanceUrl === '' ? null : row.instanceUrl,
    active: row.active,
    connection: row.connection,
    tokenExpiresAt: iso(row.tokenExpiresAt),
    lastCheckedAt: iso(row.lastCheckedAt),
    createdAt: new Date(row.createdAt).toISOString(),
    handOff: platformSpec(row.platform).handOff ? row.handOff : null,
  };
}

/** What adapters get about the account they publish as. */
export function toPublishAccount(row: AccountRow): PublishAccount {
  return { id: row.id, platform: row.platform, handle: row.handle, platformUserId: row.platformUserId, instanceUrl: row.instanceUrl, meta: row.meta };
}

/** Profile facts written when an account is (re)connected. */
export interface AccountProfile {
  handle: string;
  displayName: string;
  avatarUrl: string | null;
  meta: Record<string, unknown>;
  tokenExpiresAt: number | null;
}

/** SQL for the accounts table. */
export function createAccountsRepo(db: Db) {
  const all = db.prepare('SELECT * FROM accounts ORDER BY created_at, id');
  const byId = db.prepare('SELECT * FROM accounts WHERE id = @id');
  const byIdentity = db.prepare('SELECT * FROM accounts WHERE platform = @platform AND instance_url = @instanceUrl AND platform_user_id = @platformUserId');
  const insert = db.prepare(
    `INSERT INTO accounts (id, platform, platform_user_id, handle, display_name, avatar_url, instance_url, active, connection, token_expires_at, last_checked_at, meta, created_at, updated_at)
     VALUES (@id, @platform, @platformUserId, @handle, @displayName, @avatarUrl, @instanceUrl, 1, 'connected', @tokenExpiresAt, @now, @meta, @now, @now)`,
  );
  const reconnect = db.prepare(
    `UPDATE accounts SET handle = @handle, display_name = @displayName, avatar_url = @avatarUrl, meta = @meta, connection = 'connected',
       token_expires_at = @tokenExpiresAt, last_checked_at = @now, updated_at = @now WHERE id = @id`,
  );
  const setActive = db.prepare('UPDATE accounts SET active = @active, updated_at = @now WHERE id = @id');
  const setHandOff = db.prepare('UPDATE accounts SET hand_off = @handOff, updated_at = @now WHERE id = @id');
  const handingOff = db.prepare('SELECT id FROM accounts WHERE hand_off = 1 AND connection = \'connected\'');
  const setChecked = db.prepare(
    `UPDATE accounts SET connection = @connection, last_checked_at = @now, updated_at = @now,
       handle = coalesce(@handle, handle), display_name = coalesce(@displayName, display_name),
       avatar_url = CASE WHEN @setAvatar = 1 THEN @avatarUrl ELSE avatar_url END, meta = coalesce(@meta, meta)
     WHERE id = @id`,
  );
  const setConnection = db.prepare('UPDATE accounts SET connection = @connection, updated_at = @now WHERE id = @id');
  const setExpiry = db.prepare('UPDATE accounts SET token_expires_at = @tokenExpiresAt, updated_at = @now WHERE id = @id');
  const remove = db.prepare('DELETE FROM accounts WHERE id = @id');
  const noticeFor = db.prepare('SELECT expiry_notice_for AS at FROM accounts WHERE id = @id');
  const setNotice = db.prepare('UPDATE accounts SET expiry_notice_for = @at WHERE id = @id');
  const many = db.prepare('SELECT * FROM accounts WHERE id IN (SELECT value FROM json_each(@ids))');
  const active = db.prepare('SELECT * FROM accounts WHERE active = 1 ORDER BY created_at, id');

  return {
    list(): AccountRow[] {
      return (all.all() as RawRow[]).map(fromRaw);
    },
    /** The accounts of `ids` that exist, in no particular order. */
    many(ids: string[]): AccountRow[] {
      return ids.length === 0 ? [] : (many.all({ ids: JSON.stringify(ids) }) as RawRow[]).map(fromRaw);
    },
    /** Accounts a new post goes to when it names none. */
    active(): AccountRow[] {
      return (active.all() as RawRow[]).map(fromRaw);
    },
    get(id: string): AccountRow | null {
      const raw = byId.get({ id }) as RawRow | undefined;
      return raw ? fromRaw(raw) : null;
    },
    findByIdentity(platform: PlatformId, instanceUrl: string, platformUserId: string): AccountRow | null {
      const raw = byIdentity.get({ platform, instanceUrl, platformUserId }) as RawRow | undefined;
      return raw ? fromRaw(raw) : null;
    },
    insert(row: { id: string; platform: PlatformId; platformUserId: string; instanceUrl: string } & AccountProfile, now: number) {
      insert.run({ ...row, meta: JSON.stringify(row.meta), now });
    },
    reconnect(id: string, profile: AccountProfile, now: number) {
      reconnect.run({ id, ...profile, meta: JSON.stringify(profile.meta), now });
    },
    setActive(id: string, active: boolean, now: number) {
      setActive.run({ id, active: active ? 1 : 0, now });
    },
    setHandOff(id: string, handOff: boolean, now: number) {
      setHandOff.run({ id, handOff: handOff ? 1 : 0, now });
    },
    /** Connected accounts that let their platform publish scheduled posts. */
    handingOff(): string[] {
      return (handingOff.all() as Array<{ id: string }>).map((r) => r.id);
    },
    recordCheck(id: string, connection: ConnectionState, profile: { handle?: string; displayName?: string; avatarUrl?: string | null; meta?: Record<string, unknown> } | undefined, now: number) {
      setChecked.run({
        id,
        connection,
        now,
        handle: profile?.handle ?? null,
        displayName: profile?.displayName ?? null,
        setAvatar: profile && 'avatarUrl' in profile ? 1 : 0,
        avatarUrl: profile?.avatarUrl ?? null,
        meta: profile?.meta ? JSON.stringify(profile.meta) : null,
      });
    },
    setConnection(id: string, connection: ConnectionState, now: number) {
      setConnection.run({ id, connection, now });
    },
    setTokenExpiry(id: string, tokenExpiresAt: number | null, now: number) {
      setExpiry.run({ id, tokenExpiresAt, now });
    },
    /** The token expiry the creator was last told about ahead of time (migration 0010), or null. */
    expiryNoticeFor(id: string): number | null {
      return (noticeFor.get({ id }) as { at: number | null } | undefined)?.at ?? null;
    },
    setExpiryNotice(id: string, at: number) {
      setNotice.run({ id, at });
    },
    /** Deletes the account; its entries keep their post with account_id NULL (the foreign key's ON DELETE SET NULL). */
    remove(id: string) {
      remove.run({ id });
    },
  };
}

/** The accounts repo. */
export type AccountsRepo = ReturnType<typeof createAccountsRepo>;
