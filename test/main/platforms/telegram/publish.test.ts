import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { telegramConnector } from '../../../../src/main/platforms/telegram/auth';
import { planSteps, telegramAdapter } from '../../../../src/main/platforms/telegram/publish';
import type { ConnectedAccount } from '../../../../src/main/platforms/types';
import { PublishError, type PublishAccount, type PublishMedia, type PublishPart } from '../../../../src/main/platforms/types';
import { FAKE_BOT_TOKEN, startTelegramFake, type TelegramFake } from '../../../fakes/telegram';
import { tempDir } from '../../../support/core';
import { telegramSpec } from '../../../support/openapi';
import { MemoryProgress, pngMedia, publishContext, sha256, testConnectContext, videoMedia } from '../mastodon/helpers';

describe('Telegram adapter (media methods against the fake Bot API)', () => {
  const clock = new ManualClock();
  let fake: TelegramFake;
  let files: { dir: string; remove: () => void };
  let photos: PublishMedia[];
  let clip: PublishMedia;

  beforeAll(async () => {
    files = tempDir('outbox-telegram-');
    photos = [];
    for (let i = 0; i < 12; i++) photos.push(await pngMedia(files.dir, `photo${i}`, `alt ${i}`, 16 + i));
    clip = videoMedia(files.dir, 'clip');
  });
  afterAll(() => files.remove());

  beforeEach(async () => {
    fake = await startTelegramFake({ now: () => clock.now() });
  });
  afterEach(async () => {
    expect(telegramSpec().validateExchanges(fake.exchanges)).toEqual([]);
    await fake.close();
  });

  async function account(chatId = '@outboxnews'): Promise<{ account: PublishAccount; credentials: Record<string, unknown> }> {
    const connected = (await telegramConnector.connect({ botToken: FAKE_BOT_TOKEN, chatId, apiBase: fake.url }, testConnectContext({ now: () => clock.now() }))) as ConnectedAccount;
    fake.exchanges.length = 0;
    return { account: { id: 'tg-1', platform: 'telegram', handle: connected.handle, platformUserId: connected.platformUserId, instanceUrl: connected.instanceUrl, meta: connected.meta }, credentials: connected.secrets };
  }

  async function ctxFor(parts: PublishPart[], settings: Record<string, unknown> = {}, progress?: MemoryProgress, chatId?: string) {
    const { account: acc, credentials } = await account(chatId);
    return publishContext({ account: acc, credentials, parts, settings, progress, now: () => clock.now(), contentType: 'telegram_message' });
  }

  async function failure(promise: Promise<unknown>): Promise<PublishError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PublishError);
    return error as PublishError;
  }

  it('Telegram sends are not idempotent, and the adapter says so', () => {
    expect(telegramAdapter.idempotent).toBe(false);
  });

  it('one photo goes out through sendPhoto as a multipart upload with the text as caption', async () => {
    const result = await telegramAdapter.publish(await ctxFor([{ text: 'A sunset', media: [photos[0]!] }], { silent: true, protected: true }));

    expect(fake.messages).toHaveLength(1);
    const sent = fake.messages[0]!;
    expect(sent.method).toBe('sendPhoto');
    expect(sent.params).toMatchObject({ chat_id: '-1001234567890', caption: 'A sunset', disable_notification: true, protect_content: true });
    expect(sent.files[0]!.sha256).toBe(sha256(readFileSync(photos[0]!.path)));
    expect(sent.files[0]!.mime).toBe('image/png');
    expect(result).toEqual({ platformPostId: `-1001234567890:${sent.messageId}`, platformUrl: `https://t.me/outboxnews/${sent.messageId}` });
  });

  it('one video goes out through sendVideo with its caption and size', async () => {
    await telegramAdapter.publish(await ctxFor([{ text: 'Waves', media: [clip] }]));
    const sent = fake.messages[0]!;
    expect(sent.method).toBe('sendVideo');
    expect(sent.params).toMatchObject({ caption: 'Waves', width: 640, height: 360, duration: 3 });
    expect(sent.files[0]!.bytes).toBe(clip.bytes);
  });

  it('2 to 10 media go out as one album through sendMediaGroup with the caption on the first item', async () => {
    const result = await telegramAdapter.publish(await ctxFor([{ text: 'Album', media: [photos[0]!, clip, photos[1]!] }]));

    expect(fake.exchanges.map((e) => e.path.split('/').pop())).toEqual(['sendMediaGroup']);
    expect(fake.messages).toHaveLength(3);
    expect(new Set(fake.messages.map((m) => m.mediaGroupId)).size).toBe(1);
    expect(fake.messages.map((m) => (m.params['media'] as { type: string }).type)).toEqual(['photo', 'video', 'photo']);
    expect(fake.messages.map((m) => (m.params['media'] as { caption?: string }).caption)).toEqual(['Album', undefined, undefined]);
    expect(fake.messages[1]!.files[0]!.sha256).toBe(sha256(readFileSync(clip.path)));
    expect(result.platformPostId).toBe(`-1001234567890:${fake.messages[0]!.messageId}`);
  });

  it('more than 10 media are split into albums of at least 2, the caption on the first', () => {
    const split = (n: number) => planSteps([{ text: 'x', media: photos.slice(0, n) }]).map((s) => (s.kind === 'album' ? s.media.length : s.kind === 'single' ? 1 : 'text'));
    expect(split(1)).toEqual([1]);
    expect(split(10)).toEqual([10]);
    expect(split(11)).toEqual([9, 2]);
    expect(split(12)).toEqual([10, 2]);
  });

  it('a caption over 1,024 characters goes out as its own message after the media', async () => {
    const long = 'word '.repeat(300).trim();
    await telegramAdapter.publish(await ctxFor([{ text: long, media: [photos[0]!] }], { linkPreview: false }));
    expect(fake.messages.map((m) => m.method)).toEqual(['sendPhoto', 'sendMessage']);
    expect(fake.messages[0]!.params['caption']).toBeUndefined();
    expect(fake.messages[1]!.params).toMatchObject({ text: long, link_preview_options: { is_disabled: true } });
  });

  it('a chat without a public username gives no link', async () => {
    const result = await telegramAdapter.publish(await ctxFor([{ text: 'Private', media: [] }], {}, undefined, '-1009876543210'));
    expect(result.platformUrl).toBeNull();
    expect(result.platformPostId).toBe(`-1009876543210:${fake.messages[0]!.messageId}`);
  });

  it('429 with parameters.retry_after is rate_limited for that long', async () => {
    const ctx = await ctxFor([{ text: 'x', media: [photos[0]!] }]);
    fake.floodNext(17, 'sendPhoto');
    const error = await failure(telegramAdapter.publish(ctx));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(17_000);
  });

  it('401 and 403 are auth failures', async () => {
    const ctx = await ctxFor([{ text: 'x', media: [] }]);
    const revoked = await failure(telegramAdapter.publish({ ...ctx, credentials: { botToken: '42:revokedrevokedrevokedrevoked' } }));
    expect(revoked.kind).toBe('auth');
    expect(revoked.httpStatus).toBe(401);
    expect(revoked.message).not.toContain('revokedrevoked');

    fake.chats[0]!.bot = { status: 'kicked' };
    const kicked = await failure(telegramAdapter.publish(ctx));
    expect(kicked.kind).toBe('auth');
    expect(kicked.message).toContain('Forbidden: bot was kicked from the channel chat');
  });

  it("400 is permanent with Telegram's description", async () => {
    const ctx = await ctxFor([{ text: 'x', media: [photos[0]!, photos[1]!] }]);
    // The creator took the "Post messages" right away after connecting.
    fake.chats[0]!.bot = { status: 'administrator', can_post_messages: false };
    const error = await failure(telegramAdapter.publish(ctx));
    expect(error.kind).toBe('permanent');
    expect(error.httpStatus).toBe(400);
    expect(error.message).toContain('Bad Request: need administrator rights in the channel chat');
  });

  it('a group that became a supergroup fails permanently with the new chat id to reconnect with', async () => {
    const ctx = await ctxFor([{ text: 'x', media: [] }]);
    fake.failNext({ path: 'sendMessage', status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -1001112223334 } } });
    const error = await failure(telegramAdapter.publish(ctx));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('-1001112223334');
  });

  it('5xx and a lost connection are transient; only the lost one may have been sent', async () => {
    const ctx = await ctxFor([{ text: 'x', media: [] }]);
    fake.failNext({ path: 'sendMessage', status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } });
    const bad = await failure(telegramAdapter.publish(ctx));
    expect(bad.kind).toBe('transient');

    fake.failNext({ path: 'sendMessage', status: 0, drop: true, afterHandling: true });
    const lost = await failure(telegramAdapter.publish(ctx));
    expect(lost.kind).toBe('transient');
    expect(lost.maybeSent).toBe(true);
  });

  it('a retry after a failed second message does not send the first again', async () => {
    const progress = new MemoryProgress();
    const long = 'y'.repeat(1500);
    const ctx = await ctxFor([{ text: long, media: [photos[0]!, photos[1]!] }], {}, progress);
    fake.floodNext(3, 'sendMessage');
    const error = await failure(telegramAdapter.publish(ctx));
    expect(error.kind).toBe('rate_limited');
    expect(fake.messages.map((m) => m.method)).toEqual(['sendMediaGroup', 'sendMediaGroup']);

    const result = await telegramAdapter.publish(ctx);
    expect(fake.messages.map((m) => m.method)).toEqual(['sendMediaGroup', 'sendMediaGroup', 'sendMessage']);
    expect(result.platformPostId).toBe(`-1001234567890:${fake.messages[0]!.messageId}`);
  });

  it('reconcile cannot tell whether a send in flight arrived, and says so; with nothing in flight it says what is known', async () => {
    const progress = new MemoryProgress();
    const ctx = await ctxFor([{ text: 'In flight', media: [] }], {}, progress);
    expect(await telegramAdapter.reconcile!(ctx)).toBeNull();

    fake.failNext({ path: 'sendMessage', status: 0, drop: true, afterHandling: true });
    await telegramAdapter.publish(ctx).catch(() => null);
    const unknown = await failure(telegramAdapter.reconcile!(ctx));
    expect(unknown.message).toMatch(/Check the chat/);

    const done = new MemoryProgress();
    const ctx2 = await ctxFor([{ text: 'Done', media: [] }], {}, done);
    const result = await telegramAdapter.publish(ctx2);
    expect(await telegramAdapter.reconcile!(ctx2)).toEqual(result);
  });
});
