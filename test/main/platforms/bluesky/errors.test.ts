import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { blueskyConnector } from '../../../../src/main/platforms/bluesky/auth';
import { blueskyAdapter } from '../../../../src/main/platforms/bluesky/publish';
import { PublishError } from '../../../../src/main/platforms/types';
import { tempDir } from '../../../support/core';
import { connectContext, imageFile, publishContext, TestProgress } from './context';
import { startFailingPds, type FailingPds } from './failing-pds';

// Failure modes a real PDS cannot be made to produce on demand, against a canned-answer server.
const NOW = 1_800_000_000_000;
const DID = 'did:plc:abcdefghijklmnopqrstuvwx';
const CID = 'bafyreidxrt3h62ppnuiw7yqrbrhnqzzmedd4sihoddidv3cdzgkzyp4rpe';
const secrets = { service: 'http://unused.invalid', pdsUrl: 'http://unused.invalid', did: DID, handle: 'erin.test', accessJwt: 'a.b.c', refreshJwt: 'd.e.f', identifier: 'erin.test', appPassword: 'x' };

let server: FailingPds;
let files: { dir: string; remove: () => void };

beforeAll(async () => {
  server = await startFailingPds();
  files = tempDir('outbox-bsky-errors-');
});
afterAll(async () => {
  await server?.close();
  files?.remove();
});
beforeEach(() => {
  server.calls.length = 0;
});

function publish(parts = [{ text: 'hello', media: [] as never[] }]) {
  const ctx = publishContext({ secrets, parts, endpoints: { apiBase: server.url }, now: () => NOW });
  return blueskyAdapter.publish(ctx).then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as PublishError,
  );
}

const xrpcError = (error: string, message: string) => ({ error, message });

describe('bluesky error classification (canned failing server)', () => {
  test('429 with ratelimit-reset is rate_limited with the wait until the reset', async () => {
    server.answer('com.atproto.repo.createRecord', { status: 429, headers: { 'ratelimit-limit': '1666', 'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW / 1000 + 30) }, body: xrpcError('RateLimitExceeded', 'Rate Limit Exceeded') });
    const e = await publish();
    expect(e).toBeInstanceOf(PublishError);
    expect(e).toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000, httpStatus: 429 });
  });

  test('429 without a reset header still waits (a minute)', async () => {
    server.answer('com.atproto.repo.createRecord', { status: 429, body: xrpcError('RateLimitExceeded', 'slow down') });
    expect(await publish()).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
  });

  test('an expired access token (400 ExpiredToken) and a 401 are auth', async () => {
    server.answer('com.atproto.repo.createRecord', { status: 400, body: xrpcError('ExpiredToken', 'Token has expired') });
    expect(await publish()).toMatchObject({ kind: 'auth' });
    server.answer('com.atproto.repo.createRecord', { status: 401, body: xrpcError('AuthenticationRequired', 'Authentication Required') });
    expect(await publish()).toMatchObject({ kind: 'auth', httpStatus: 401 });
  });

  test('an invalid record is permanent with the server message', async () => {
    server.answer('com.atproto.repo.createRecord', { status: 400, body: xrpcError('InvalidRequest', 'Invalid app.bsky.feed.post record: Record/text must not be longer than 3000 graphemes') });
    server.answer('com.atproto.repo.getRecord', { status: 400, body: xrpcError('RecordNotFound', 'Could not locate record') });
    const e = await publish();
    expect(e).toMatchObject({ kind: 'permanent', httpStatus: 400 });
    expect(e.message).toContain('Record/text must not be longer than 3000 graphemes');
  });

  test('a blob too large for the PDS (413) is permanent with the server message', async () => {
    const image = await imageFile(files.dir, 'x.png', { width: 20, height: 20 });
    server.answer('com.atproto.repo.uploadBlob', { status: 413, body: xrpcError('PayloadTooLarge', 'request entity too large') });
    const e = await publish([{ text: 'pic', media: [image] as never[] }]);
    expect(e).toMatchObject({ kind: 'permanent', httpStatus: 413 });
    expect(e.message).toContain('request entity too large');
    expect(server.calls).not.toContain('com.atproto.repo.createRecord');
  });

  test('a 5xx on createRecord is transient and maybe sent, after checking the key is not there', async () => {
    server.answer('com.atproto.repo.createRecord', { status: 502, body: xrpcError('UpstreamFailure', 'bad gateway') });
    server.answer('com.atproto.repo.getRecord', { status: 400, body: xrpcError('RecordNotFound', 'Could not locate record') });
    const e = await publish();
    expect(e).toMatchObject({ kind: 'transient', maybeSent: true, httpStatus: 502 });
    expect(server.calls).toEqual(['com.atproto.repo.createRecord', 'com.atproto.repo.getRecord']);
  });

  test('a 5xx on createRecord whose record exists under the committed key is a success (found by its key)', async () => {
    server.answer('com.atproto.repo.createRecord', { status: 500, body: xrpcError('InternalServerError', 'Internal Server Error') });
    const progress = new TestProgress();
    server.answer('com.atproto.repo.getRecord', { status: 200, body: { uri: `at://${DID}/app.bsky.feed.post/3kexistingkey2`, cid: CID, value: { $type: 'app.bsky.feed.post', text: 'hello', createdAt: new Date(NOW).toISOString() } } });
    const ctx = publishContext({ secrets, parts: [{ text: 'hello', media: [] }], endpoints: { apiBase: server.url }, now: () => NOW, progress });
    // The canned getRecord answers whatever key is asked; the adapter trusts the PDS's uri.
    const result = await blueskyAdapter.publish(ctx);
    expect(result.platformPostId).toBe(`at://${DID}/app.bsky.feed.post/3kexistingkey2`);
    expect((progress.committed as { parts: Array<{ cid: string }> }).parts[0]!.cid).toBe(CID);
  });

  test('a server that cannot be reached is transient', async () => {
    const ctx = publishContext({ secrets, parts: [{ text: 'hello', media: [] }], endpoints: { apiBase: 'http://127.0.0.1:1' }, now: () => NOW });
    await expect(blueskyAdapter.publish(ctx)).rejects.toMatchObject({ kind: 'transient' });
  });

  test('a handle lookup failing with a 5xx stops the post as transient instead of dropping the mention', async () => {
    server.answer('com.atproto.identity.resolveHandle', { status: 503, body: xrpcError('NotEnoughResources', 'try later') });
    const e = await publish([{ text: 'hi @someone.test', media: [] }]);
    expect(e).toMatchObject({ kind: 'transient' });
    expect(server.calls).not.toContain('com.atproto.repo.createRecord');
  });

  test('connect: a 429 from createSession is rate_limited', async () => {
    server.answer('com.atproto.server.createSession', { status: 429, headers: { 'ratelimit-reset': String(NOW / 1000 + 300) }, body: xrpcError('RateLimitExceeded', 'Rate Limit Exceeded') });
    const e = await blueskyConnector.connect({ identifier: 'erin.test', appPassword: 'aaaa-bbbb-cccc-dddd', service: server.url }, connectContext({}, () => NOW)).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'rate_limited', retryAfterMs: 300_000 });
  });

  test('check: a 5xx while checking throws transient instead of calling the account expired', async () => {
    server.answer('com.atproto.server.getSession', { status: 500, body: xrpcError('InternalServerError', 'oops') });
    const account = { id: 'a', platform: 'bluesky' as const, handle: 'erin.test', platformUserId: DID, instanceUrl: server.url, meta: {} };
    await expect(blueskyConnector.check(account, secrets, connectContext({ apiBase: server.url }))).rejects.toMatchObject({ kind: 'transient' });
  });
});
