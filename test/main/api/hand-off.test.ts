import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushPromises } from '../../../src/main/core/ports/doubles';
import type { RemoteScheduler } from '../../../src/main/platforms/types';
import { makeApiFixture, type ApiFixture } from '../../support/api-fixture';
import { TestCredentials } from '../../support/publishing-fixture';
import { ScriptedAdapter } from '../../support/scripted-adapter';

// Issue 17, the API's part: a post the platform's own scheduler holds says so in
// `platform_results.<platform>.handed_off` (and per account, with the platform's schedule id),
// every answer checked against the served OpenAPI document.

/** A platform scheduler that holds what it is given (the engine's side is what is tested here). */
function holdingScheduler(): RemoteScheduler & { held: Map<string, number> } {
  const held = new Map<string, number>();
  let n = 0;
  return {
    held,
    async schedule(_ctx, at) {
      const remoteId = `sched-${++n}`;
      held.set(remoteId, at);
      return { remoteId };
    },
    async reschedule(_ctx, remoteId, at) {
      held.set(remoteId, at);
    },
    async cancel(_ctx, remoteId) {
      held.delete(remoteId);
    },
    async status(_ctx, remoteId) {
      const at = held.get(remoteId);
      return at === undefined ? { state: 'missing' } : { state: 'scheduled', at };
    },
    async find() {
      return { state: 'missing' };
    },
  };
}

let f: ApiFixture;
const scheduler = holdingScheduler();
const acct = {} as { masto: string; bsky: string };

beforeAll(async () => {
  f = await makeApiFixture({
    core: {
      adapters: { bluesky: new ScriptedAdapter('bluesky'), mastodon: new ScriptedAdapter('mastodon', false) },
      modules: { mastodon: { scheduler } },
      credentials: new TestCredentials(),
      drainTimeoutMs: 100,
    },
  });
  acct.masto = f.insertAccount('mastodon', { handle: 'me@mastodon.example' });
  acct.bsky = f.insertAccount('bluesky', { handle: 'me.bsky.social' });
});
afterAll(async () => f.dispose());

describe('handed-off posts in the API', () => {
  it('platform_results.mastodon.handed_off is true while Mastodon holds the post; Bluesky, sent by Outbox, has no result yet', async () => {
    const at = new Date(f.t.clock.now() + 3 * 3_600_000).toISOString();
    const created = await f.call('POST', '/v1/posts', { content: 'Goes out with the lid closed', accounts: [acct.masto, acct.bsky], scheduled_for: at });
    expect(created.status).toBe(201);
    expect(created.body.platform_results).toBeNull();
    await f.t.clock.advance(0);
    await flushPromises(20);
    expect(scheduler.held.size).toBe(1);

    const answer = await f.call('GET', `/v1/posts/${created.body.id}`);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('scheduled');
    expect(answer.body.platform_results).toEqual({
      mastodon: {
        success: false,
        handed_off: true,
        accounts: [{ account_id: acct.masto, status: 'handed_off', success: false, post_id: null, post_url: null, error: null, handed_off: true, schedule_id: 'sched-1', publishes_at: at }],
      },
    });
    // Bluesky has no scheduler: it waits for Outbox, so it has no result yet.
    expect(answer.body.platform_results.bluesky).toBeUndefined();
  });

  it('every answer validates against the served OpenAPI document, which describes handed_off', async () => {
    const doc = await f.call('GET', '/v1/openapi.json');
    expect(JSON.stringify(doc.body)).toContain('handed_off');
    expect(await f.openApiProblems()).toEqual([]);
  });
});
