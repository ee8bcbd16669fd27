import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtpAgent } from '@atproto/api';
import { TestNetworkNoAppView } from '@atproto/dev-env';

/**
 * A real Bluesky PDS (with its own PLC directory) for tests, from `@atproto/dev-env`.
 *
 * Startup takes several seconds: start one per test file in `beforeAll` and `close()` it in
 * `afterAll`. Handles must end in `.test`. Runs on Node 20 although one transitive dependency
 * (`disposable-email-domains-js`, a data-only package) declares an exact Node 24 engine: nothing
 * in it needs Node 22+, so no shim is needed.
 */
export interface TestPds {
  /** The PDS base URL (`http://localhost:<port>`): what a creator would type as the service. */
  service: string;
  /** The dev-env network itself, for anything this helper does not cover. */
  network: TestNetworkNoAppView;
  /** Creates an account plus an app password for it (what Outbox connects with). */
  createAccount(handle: string, options?: { displayName?: string }): Promise<PdsAccount>;
  /** An agent logged in as the account with its main password (for setup and reading back). */
  login(account: Pick<PdsAccount, 'handle' | 'password'>): Promise<AtpAgent>;
  /** An unauthenticated agent on the PDS (public reads: getRecord, listRecords, getBlob). */
  publicAgent(): AtpAgent;
  /** Reads a record back by its AT URI through com.atproto.repo.getRecord. */
  getRecord(uri: string): Promise<{ uri: string; cid: string; value: Record<string, unknown> }>;
  /** Lists an account's records in a collection through com.atproto.repo.listRecords. */
  listRecords(did: string, collection: string): Promise<Array<{ uri: string; cid: string; value: Record<string, unknown> }>>;
  /** Reads a blob's bytes back through com.atproto.sync.getBlob. */
  getBlob(did: string, cid: string): Promise<Uint8Array>;
  /**
   * An access token for the account that the PDS accepts as genuine but whose `exp` is in the
   * past (signed with the dev PDS's JWT secret): how tests get an "expired session" without
   * waiting two hours.
   */
  expiredAccessJwt(accessJwt: string): string;
  /** Revokes every app password of the account (the creator revoked Outbox's access). */
  revokeAppPasswords(account: Pick<PdsAccount, 'handle' | 'password'>): Promise<void>;
  /** Stops the PDS and PLC and removes their data folders. */
  close(): Promise<void>;
}

/** An account on the test PDS. */
export interface PdsAccount {
  did: string;
  handle: string;
  /** The main password (never what Outbox stores). */
  password: string;
  /** An app password, what the creator gives Outbox. */
  appPassword: string;
}

/** Starts a PDS on a free port with its data in a fresh temp folder. */
export async function startPds(): Promise<TestPds> {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-pds-'));
  let network: TestNetworkNoAppView;
  try {
    network = await TestNetworkNoAppView.create({
      pds: {
        // dev-env's defaults put these under os.tmpdir() and never remove them. It creates only
        // its own default folder, so the data folder must already exist: `dir` does.
        dataDirectory: dir,
        blobstoreDiskLocation: join(dir, 'blobs'),
      },
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const service = network.pds.url;
  const publicAgent = () => new AtpAgent({ service });

  const login = async (account: Pick<PdsAccount, 'handle' | 'password'>) => {
    const agent = new AtpAgent({ service });
    await agent.login({ identifier: account.handle, password: account.password });
    return agent;
  };

  return {
    service,
    network,
    async createAccount(handle, options = {}) {
      const password = `pw-${handle}-${Math.random().toString(36).slice(2)}`;
      const agent = new AtpAgent({ service });
      const created = await agent.createAccount({ handle, password, email: `${handle.replace(/\W/g, '-')}@example.test` });
      if (options.displayName !== undefined) {
        await agent.com.atproto.repo.putRecord({
          repo: created.data.did,
          collection: 'app.bsky.actor.profile',
          rkey: 'self',
          record: { $type: 'app.bsky.actor.profile', displayName: options.displayName },
        });
      }
      const app = await agent.com.atproto.server.createAppPassword({ name: `outbox-${Date.now()}` });
      return { did: created.data.did, handle: created.data.handle, password, appPassword: app.data.password };
    },
    login,
    publicAgent,
    async getRecord(uri) {
      const [, , repo, collection, rkey] = uri.split('/');
      if (!repo || !collection || !rkey) throw new Error(`not an AT URI: ${uri}`);
      const res = await publicAgent().com.atproto.repo.getRecord({ repo, collection, rkey });
      return { uri: res.data.uri, cid: res.data.cid ?? '', value: res.data.value as Record<string, unknown> };
    },
    async listRecords(did, collection) {
      const res = await publicAgent().com.atproto.repo.listRecords({ repo: did, collection, limit: 100 });
      return res.data.records.map((r) => ({ uri: r.uri, cid: r.cid, value: r.value as Record<string, unknown> }));
    },
    async getBlob(did, cid) {
      const res = await publicAgent().com.atproto.sync.getBlob({ did, cid });
      return res.data;
    },
    expiredAccessJwt(accessJwt) {
      const [header, payload] = accessJwt.split('.');
      if (!header || !payload) throw new Error('not a JWT');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      const past = Math.floor(Date.now() / 1000) - 3600;
      const body = Buffer.from(JSON.stringify({ ...claims, iat: past - 7200, exp: past })).toString('base64url');
      const signature = createHmac('sha256', network.pds.jwtSecretKey()).update(`${header}.${body}`).digest('base64url');
      return `${header}.${body}.${signature}`;
    },
    async revokeAppPasswords(account) {
      const agent = await login(account);
      const list = await agent.com.atproto.server.listAppPasswords();
      for (const app of list.data.passwords) await agent.com.atproto.server.revokeAppPassword({ name: app.name });
    },
    async close() {
      try {
        await network.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
