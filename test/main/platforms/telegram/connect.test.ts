import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { postingRefusal, telegramConnector } from '../../../../src/main/platforms/telegram/auth';
import { telegramAdapter } from '../../../../src/main/platforms/telegram/publish';
import type { ConnectedAccount } from '../../../../src/main/platforms/types';
import { PublishError, type PublishAccount } from '../../../../src/main/platforms/types';
import { FAKE_BOT_TOKEN, startTelegramFake, type TelegramFake } from '../../../fakes/telegram';
import { telegramSpec } from '../../../support/openapi';
import { publishContext, testConnectContext } from '../mastodon/helpers';
import { startTelegramPeer, type TelegramPeer } from './peer';

// telegram-test-api implements getMe and sendMessage but not getChat / getChatMember; the fake
// answers those and forwards everything else to the peer, so getMe and the text sends are the
// peer's own answers.
describe('Telegram connector and text against telegram-test-api', () => {
  let peer: TelegramPeer;
  let fake: TelegramFake;
  const clock = new ManualClock();

  beforeAll(async () => {
    peer = await startTelegramPeer();
  });
  afterAll(async () => {
    await peer.stop();
  });
  beforeEach(async () => {
    // The peer's getMe answers for bot 666 "TestNameBot" whatever the token: the fake plays the same bot.
    fake = await startTelegramFake({ upstream: peer.url, now: () => clock.now(), bot: { id: 666, username: 'TestNameBot', first_name: 'Test First name' } });
  });
  afterEach(async () => {
    expect(telegramSpec().validateExchanges(fake.exchanges)).toEqual([]);
    await fake.close();
  });

  const ctx = () => testConnectContext({ now: () => clock.now() });

  function asAccount(connected: ConnectedAccount, instanceUrl = connected.instanceUrl): PublishAccount {
    return { id: 'tg-1', platform: 'telegram', handle: connected.handle, platformUserId: connected.platformUserId, instanceUrl, meta: connected.meta };
  }

  it('connecting checks the token with getMe and the chat with getChat and getChatMember, and keeps the token secret', async () => {
    const connected = (await telegramConnector.connect({ botToken: FAKE_BOT_TOKEN, chatId: '@outboxnews', apiBase: fake.url }, ctx())) as ConnectedAccount;

    expect(fake.forwarded).toContain('getMe');
    expect(fake.exchanges.map((e) => e.path.split('/').pop())).toEqual(['getChat', 'getChatMember']);
    // getMe came from the peer: its bot id is the one getChatMember was asked about.
    expect(fake.exchanges[1]!.body).toMatchObject({ user_id: 666 });
    expect(connected).toMatchObject({ platformUserId: '-1001234567890', handle: '@outboxnews', displayName: 'Outbox News', avatarUrl: null, instanceUrl: fake.url, tokenExpiresAt: null });
    expect(connected.meta).toMatchObject({ chatId: '-1001234567890', chatType: 'channel', chatUsername: 'outboxnews', botId: '666', botUsername: 'TestNameBot' });
    expect(connected.secrets).toEqual({ botToken: FAKE_BOT_TOKEN });
    expect(JSON.stringify({ ...connected, secrets: undefined })).not.toContain(FAKE_BOT_TOKEN);
  });

  it('a channel where the bot is not an administrator with "Post messages" is refused', async () => {
    fake.chats[0]!.bot = { status: 'administrator', can_post_messages: false };
    const error = await telegramConnector.connect({ botToken: FAKE_BOT_TOKEN, chatId: '@outboxnews', apiBase: fake.url }, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as Error).message).toMatch(/Post messages/);

    fake.chats[0]!.bot = { status: 'member' };
    await expect(telegramConnector.connect({ botToken: FAKE_BOT_TOKEN, chatId: '@outboxnews', apiBase: fake.url }, ctx())).rejects.toThrow(/administrator of the channel/);
  });

  it('a token Telegram refuses is bad input naming botToken', async () => {
    const noUpstream = await startTelegramFake({ now: () => clock.now() });
    try {
      const error = await telegramConnector.connect({ botToken: '42:AAunknownunknownunknownunknown', chatId: '@outboxnews', apiBase: noUpstream.url }, ctx()).catch((e: unknown) => e);
      expect((error as PublishError).kind).toBe('permanent');
      expect((error as Error).message).toMatch(/^botToken: /);
      expect((error as Error).message).not.toContain('AAunknown');
    } finally {
      await noUpstream.close();
    }
  });

  it('an unknown chat is refused with a message naming chatId', async () => {
    const error = await telegramConnector.connect({ botToken: FAKE_BOT_TOKEN, chatId: '-100999', apiBase: fake.url }, ctx()).catch((e: unknown) => e);
    expect((error as PublishError).kind).toBe('permanent');
    expect((error as Error).message).toMatch(/^chatId: .*chat not found/);
  });

  it('the posting rule: channels need an admin with can_post_messages; groups a member allowed to send', () => {
    const channel = { id: -1, type: 'channel' as const, title: 'C' };
    const group = { id: -2, type: 'supergroup' as const, title: 'G' };
    expect(postingRefusal(channel, { status: 'administrator', can_post_messages: true })).toBeNull();
    expect(postingRefusal(channel, { status: 'administrator', can_post_messages: false })).not.toBeNull();
    expect(postingRefusal(channel, { status: 'member' })).not.toBeNull();
    expect(postingRefusal(group, { status: 'member' })).toBeNull();
    expect(postingRefusal({ ...group, permissions: { can_send_messages: false } }, { status: 'member' })).not.toBeNull();
    expect(postingRefusal(group, { status: 'restricted', can_send_messages: false, is_member: true })).not.toBeNull();
    expect(postingRefusal(group, { status: 'restricted', can_send_messages: true, is_member: true })).toBeNull();
    expect(postingRefusal(group, { status: 'kicked' })).not.toBeNull();
    expect(postingRefusal(group, { status: 'left' })).not.toBeNull();
  });

  it('text goes out through sendMessage on the peer with link preview, silent and protected settings', async () => {
    const connected = (await telegramConnector.connect({ botToken: FAKE_BOT_TOKEN, chatId: '@outboxnews', apiBase: fake.url }, ctx())) as ConnectedAccount;
    // Publish straight to the peer: it implements sendMessage itself.
    const publish = publishContext({
      account: asAccount(connected, peer.url),
      credentials: connected.secrets,
      parts: [{ text: 'Hello channel https://example.com', media: [] }],
      settings: { linkPreview: false, silent: true, protected: true },
      now: () => clock.now(),
    });
    const result = await telegramAdapter.publish(publish);

    const sent = peer.botMessages(FAKE_BOT_TOKEN);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ chat_id: '-1001234567890', text: 'Hello channel https://example.com', link_preview_options: { is_disabled: true }, disable_notification: true, protect_content: true });
    const { message_id: _id, ...request } = sent[0]!;
    expect(telegramSpec().validateRequest('sendMessage', request)).toEqual([]);
    expect(result.platformPostId).toBe(`-1001234567890:${sent[0]!['message_id']}`);
    // A public channel: the link is t.me/<username>/<message id>.
    expect(result.platformUrl).toBe(`https://t.me/outboxnews/${sent[0]!['message_id']}`);
  });

  it('a check says connected while the bot may post, and disconnected once it lost the right', async () => {
    const connected = (await telegramConnector.connect({ botToken: FAKE_BOT_TOKEN, chatId: '@outboxnews', apiBase: fake.url }, ctx())) as ConnectedAccount;
    expect((await telegramConnector.check(asAccount(connected), connected.secrets, ctx())).connection).toBe('connected');
    fake.chats[0]!.bot = { status: 'kicked' };
    const lost = await telegramConnector.check(asAccount(connected), connected.secrets, ctx());
    expect(lost.connection).toBe('disconnected');
    const badToken = await telegramConnector.check(asAccount(connected), { botToken: '1:wrong' }, ctx());
    // The peer accepts any token for getMe; the fake refuses it for getChat.
    expect(badToken.connection).toBe('token_expired');
  });
});
