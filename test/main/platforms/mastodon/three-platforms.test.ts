import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { startMastodonFake, type MastodonFake } from '../../../fakes/mastodon';
import { FAKE_BOT_TOKEN, startTelegramFake, type TelegramFake } from '../../../fakes/telegram';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { mastodonSpec, telegramSpec } from '../../../support/openapi';
import { startPds, type PdsAccount, type TestPds } from '../../../support/pds';
import { pngMedia } from './helpers';

// The end-to-end test through the engine: one account on each of Bluesky (a real PDS),
// Mastodon (the fake instance) and Telegram (the fake Bot API), a post with an image scheduled to
// all three; then Mastodon refusing -> partially_published, and posts:publish re-sends only Mastodon.
describe('Bluesky, Mastodon and Telegram through the engine', () => {
  let pds: TestPds;
  let alice: PdsAccount;
  let mastodon: MastodonFake;
  let telegram: TelegramFake;
  let clock: ManualClock;
  let t: TestCore;
  let files: { dir: string; remove: () => void };
  const ids: Record<'bluesky' | 'mastodon' | 'telegram', string> = { bluesky: '', mastodon: '', telegram: '' };

  beforeAll(async () => {
    pds = await startPds();
    alice = await pds.createAccount('carol.test', { displayName: 'Carol' });
    // Near real time: the PDS checks token expiry against its own clock.
    clock = new ManualClock(Date.now());
    mastodon = await startMastodonFake({ now: () => clock.now() });
    telegram = await startTelegramFake({ now: () => clock.now() });
    files = tempDir('outbox-three-');
    t = await makeTestCore({ clock, platforms: { mastodon: { redirectPort: '0' } } });

    const bsky = await t.core.invoke('accounts:connect', { platform: 'bluesky', identifier: alice.handle, appPassword: alice.appPassword, service: pds.service });
    const opened = t.browser.next();
    const masto = t.core.invoke('accounts:connect', { platform: 'mastodon', instanceUrl: mastodon.url });
    const consent = await fetch(await opened, { redirect: 'manual' });
    await fetch(consent.headers.get('location')!);
    const m = await masto;
    const tg = await t.core.invoke('accounts:connect', { platform: 'telegram', botToken: FAKE_BOT_TOKEN, chatId: '@outboxnews', apiBase: telegram.url });
    for (const [platform, r] of [['bluesky', bsky], ['mastodon', m], ['telegram', tg]] as const) {
      if (!r.ok) throw new Error(`${platform}: ${r.error.message}`);
      if (r.value.status !== 'connected') throw new Error(`${platform}: not connected`);
      ids[platform] = r.value.account.id;
    }
    // Outbox sends at the time here; hand-off to the instance has its own tests (hand-off.test.ts).
    const local = await t.core.invoke('accounts:setHandOff', { id: ids.mastodon, handOff: false });
    if (!local.ok) throw new Error(local.error.message);
  }, 120_000);

  afterAll(async () => {
    if (mastodon) expect(mastodonSpec().validateExchanges(mastodon.exchanges)).toEqual([]);
    if (telegram) expect(telegramSpec().validateExchanges(telegram.exchanges)).toEqual([]);
    await t?.dispose();
    await mastodon?.close();
    await telegram?.close();
    await pds?.close();
    files?.remove();
  });

  /** Lets the engine run until the post settles: 1 s of clock at a time while real I/O completes. */
  async function settle(id: string, dueInMs: number): Promise<Post> {
    await clock.advance(dueInMs);
    for (let i = 0; i < 3_000; i++) {
      const got = await t.core.invoke('posts:get', { id });
      if (!got.ok) throw new Error(got.error.message);
      if (!['scheduled', 'publishing'].includes(got.value.status)) return got.value;
      let off = () => {};
      await Promise.race([new Promise<void>((resolve) => (off = t.core.on('posts:changed', () => resolve()))), new Promise<void>((resolve) => setTimeout(resolve, 20))]);
      off();
      await clock.advance(1_000);
    }
    throw new Error('the post never settled');
  }

  async function schedule(text: string, mediaId: string) {
    const created = await t.core.invoke('posts:create', {
      parts: [{ text, media: [{ mediaId, altText: 'Boats in the harbour' }] }],
      targets: [{ accountId: ids.bluesky }, { accountId: ids.mastodon }, { accountId: ids.telegram }],
      schedule: { mode: 'at', at: new Date(clock.now() + 10 * 60_000).toISOString() },
    });
    if (!created.ok) throw new Error(created.error.message);
    return created.value.post.id;
  }

  it('a post with an image goes to all three, each entry published with its URL; a refusing Mastodon is re-sent alone', async () => {
    const image = await pngMedia(files.dir, 'boats', '', 400);
    const imported = await t.core.invoke('media:import', { path: image.path });
    if (!imported.ok) throw new Error(imported.error.message);

    const first = await settle(await schedule('Boats at dawn', imported.value.id), 10 * 60_000);
    expect(first.status).toBe('published');
    const entry = (platform: string, post: Post) => post.entries.find((e) => e.platform === platform)!;
    const records = await pds.listRecords(alice.did, 'app.bsky.feed.post');
    expect(records).toHaveLength(1);
    const rkey = records[0]!.uri.split('/').pop();
    expect(entry('bluesky', first)).toMatchObject({ status: 'published', platformPostId: records[0]!.uri, platformUrl: `https://bsky.app/profile/${alice.handle}/post/${rkey}` });
    expect((records[0]!.value.embed as { images: Array<{ alt: string }> }).images[0]!.alt).toBe('Boats in the harbour');
    const status = mastodon.statuses[0]!;
    expect(entry('mastodon', first)).toMatchObject({ status: 'published', platformPostId: status.id, platformUrl: mastodon.statusUrl(status) });
    expect(mastodon.media.get(status.mediaIds[0]!)!.description).toBe('Boats in the harbour');
    const message = telegram.messages[0]!;
    expect(message).toMatchObject({ method: 'sendPhoto', params: { caption: 'Boats at dawn' } });
    expect(entry('telegram', first)).toMatchObject({ status: 'published', platformUrl: `https://t.me/outboxnews/${message.messageId}` });

    // The instance refuses the next status: Bluesky and Telegram go out, Mastodon fails.
    mastodon.rejectNext('Validation failed: Text contains a forbidden word', { path: '/api/v1/statuses' });
    const secondId = await schedule('Boats at dusk', imported.value.id);
    const partial = await settle(secondId, 10 * 60_000);
    expect(partial.status).toBe('partially_published');
    expect(entry('mastodon', partial)).toMatchObject({ status: 'failed' });
    expect(entry('mastodon', partial).errorMessage).toContain('forbidden word');
    expect(entry('bluesky', partial).status).toBe('published');
    expect(entry('telegram', partial).status).toBe('published');

    const again = await t.core.invoke('posts:publish', { id: secondId });
    if (!again.ok) throw new Error(again.error.message);
    const done = await settle(secondId, 0);
    expect(done.status).toBe('published');
    expect(entry('mastodon', done)).toMatchObject({ status: 'published', platformPostId: mastodon.statuses[1]!.id });
    // Only Mastodon was sent again.
    expect(mastodon.statuses.map((s) => s.text)).toEqual(['Boats at dawn', 'Boats at dusk']);
    expect((await pds.listRecords(alice.did, 'app.bsky.feed.post')).map((r) => r.value.text).sort()).toEqual(['Boats at dawn', 'Boats at dusk']);
    expect(telegram.messages.map((m) => m.params['caption'])).toEqual(['Boats at dawn', 'Boats at dusk']);
  });
});
