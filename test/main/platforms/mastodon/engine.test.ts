import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Post } from '../../../../src/shared/domain';
import { flushPromises, ManualClock } from '../../../../src/main/core/ports/doubles';
import { startMastodonFake, type MastodonFake } from '../../../fakes/mastodon';
import { FAKE_BOT_TOKEN, startTelegramFake, type TelegramFake } from '../../../fakes/telegram';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { mastodonSpec, telegramSpec } from '../../../support/openapi';
import { pngMedia } from './helpers';

// Through the whole engine: accounts:connect runs the accounts service's own PKCE loopback flow
// against the Mastodon fake (this test plays the browser) and checks the bot on the Telegram
// fake; posts are scheduled with an image and published by the engine's timer.
describe('Mastodon and Telegram through the engine', () => {
  let clock: ManualClock;
  let mastodon: MastodonFake;
  let telegram: TelegramFake;
  let t: TestCore;
  let files: { dir: string; remove: () => void };

  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
    mastodon = await startMastodonFake({ now: () => clock.now() });
    telegram = await startTelegramFake({ now: () => clock.now() });
    files = tempDir('outbox-engine-media-');
    t = await makeTestCore({ clock, platforms: { mastodon: { redirectPort: '0' } } });
  });

  afterEach(async () => {
    expect(mastodonSpec().validateExchanges(mastodon.exchanges)).toEqual([]);
    expect(telegramSpec().validateExchanges(telegram.exchanges)).toEqual([]);
    await t.dispose();
    await mastodon.close();
    await telegram.close();
    files.remove();
  });

  async function connectBoth() {
    const opened = t.browser.next();
    const answer = t.core.invoke('accounts:connect', { platform: 'mastodon', instanceUrl: mastodon.url });
    const url = await opened;
    // The browser: the instance approves at once and redirects to Outbox's loopback listener.
    const consent = await fetch(url, { redirect: 'manual' });
    await fetch(consent.headers.get('location')!);
    const m = await answer;
    if (!m.ok) throw new Error(m.error.message);
    const tg = await t.core.invoke('accounts:connect', { platform: 'telegram', botToken: FAKE_BOT_TOKEN, chatId: '@outboxnews', apiBase: telegram.url });
    if (!tg.ok) throw new Error(tg.error.message);
    if (m.value.status !== 'connected' || tg.value.status !== 'connected') throw new Error('expected both connected');
    // These tests are about Outbox sending at the time; hand-off to the instance has its own (hand-off.test.ts).
    const local = await t.core.invoke('accounts:setHandOff', { id: m.value.account.id, handOff: false });
    if (!local.ok) throw new Error(local.error.message);
    return { mastodonId: m.value.account.id, telegramId: tg.value.account.id };
  }

  async function settle(id: string): Promise<Post> {
    const deadline = clock.now() + 30 * 60_000;
    for (;;) {
      const got = await t.core.invoke('posts:get', { id });
      if (!got.ok) throw new Error(got.error.message);
      if (!['scheduled', 'publishing'].includes(got.value.status) || clock.now() > deadline) return got.value;
      await clock.advance(30_000);
      // Real sockets: let their I/O complete (turns of the event loop, no sleeping).
      await flushPromises(5);
    }
  }

  it('a post with an image scheduled to both publishes to both, each entry with its URL; a refused Mastodon entry is re-sent alone', async () => {
    const { mastodonId, telegramId } = await connectBoth();
    const accounts = await t.core.invoke('accounts:list', undefined);
    expect(accounts.ok && accounts.value.map((a) => [a.platform, a.handle, a.connection])).toEqual(expect.arrayContaining([['mastodon', `@alice@${mastodon.domain}`, 'connected'], ['telegram', '@outboxnews', 'connected']]));
    // No answer of the session carries a token.
    expect(JSON.stringify(accounts)).not.toContain(FAKE_BOT_TOKEN);
    expect(JSON.stringify(accounts)).not.toContain(mastodon.tokens[0]!.token);

    const image = await pngMedia(files.dir, 'harbour');
    const imported = await t.core.invoke('media:import', { path: image.path });
    if (!imported.ok) throw new Error(imported.error.message);

    const create = (text: string) =>
      t.core.invoke('posts:create', {
        parts: [{ text, media: [{ mediaId: imported.value.id, altText: 'The harbour at dawn' }] }],
        targets: [{ accountId: mastodonId, settings: { visibility: 'unlisted' } }, { accountId: telegramId, settings: { silent: true } }],
        schedule: { mode: 'at', at: new Date(clock.now() + 10 * 60_000).toISOString() },
      });

    const first = await create('Good morning from the harbour');
    if (!first.ok) throw new Error(first.error.message);
    const published = await settle(first.value.post.id);
    expect(published.status).toBe('published');
    const byPlatform = Object.fromEntries(published.entries.map((e) => [e.platform, e]));
    const status = mastodon.statuses[0]!;
    expect(byPlatform['mastodon']).toMatchObject({ status: 'published', platformPostId: status.id, platformUrl: mastodon.statusUrl(status) });
    expect(status).toMatchObject({ text: 'Good morning from the harbour', visibility: 'unlisted' });
    expect(mastodon.media.get(status.mediaIds[0]!)!.description).toBe('The harbour at dawn');
    const message = telegram.messages[0]!;
    expect(message).toMatchObject({ method: 'sendPhoto', params: { caption: 'Good morning from the harbour', disable_notification: true } });
    expect(byPlatform['telegram']).toMatchObject({ status: 'published', platformUrl: `https://t.me/outboxnews/${message.messageId}` });

    // The instance refuses the next status: only Mastodon fails.
    mastodon.rejectNext('Validation failed: Text contains a disallowed word', { path: '/api/v1/statuses' });
    const second = await create('Second harbour post');
    if (!second.ok) throw new Error(second.error.message);
    const partial = await settle(second.value.post.id);
    expect(partial.status).toBe('partially_published');
    expect(partial.entries.find((e) => e.platform === 'mastodon')).toMatchObject({ status: 'failed' });
    expect(partial.entries.find((e) => e.platform === 'mastodon')!.errorMessage).toContain('disallowed word');
    expect(telegram.messages).toHaveLength(2);

    const again = await t.core.invoke('posts:publish', { id: second.value.post.id });
    if (!again.ok) throw new Error(again.error.message);
    const done = await settle(second.value.post.id);
    expect(done.status).toBe('published');
    expect(mastodon.statuses.map((s) => s.text)).toEqual(['Good morning from the harbour', 'Second harbour post']);
    // Telegram was not sent again.
    expect(telegram.messages).toHaveLength(2);
  });

  it('an answer lost after the instance made the status is retried by the engine with the same Idempotency-Key: one status', async () => {
    const { mastodonId } = await connectBoth();
    mastodon.failNext({ method: 'POST', path: '/api/v1/statuses', status: 0, drop: true, afterHandling: true });
    const created = await t.core.invoke('posts:create', {
      parts: [{ text: 'Exactly once', media: [] }],
      targets: [{ accountId: mastodonId }],
      schedule: { mode: 'at', at: new Date(clock.now() + 5 * 60_000).toISOString() },
    });
    if (!created.ok) throw new Error(created.error.message);
    const post = await settle(created.value.post.id);

    expect(post.status).toBe('published');
    expect(mastodon.statuses.map((s) => s.text)).toEqual(['Exactly once']);
    // The first answer never arrived, so the engine can only know the id from a second POST, which
    // the instance answered from its Idempotency-Key memory instead of posting again.
    expect(mastodon.exchanges.filter((e) => e.method === 'POST' && e.path === '/api/v1/statuses')).toHaveLength(1);
    expect(post.entries[0]).toMatchObject({ status: 'published', platformPostId: mastodon.statuses[0]!.id });
  });
});
