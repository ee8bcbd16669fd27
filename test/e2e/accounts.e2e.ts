import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/shared/domain';
import { FAKE_BOT_TOKEN, startTelegramFake, type TelegramFake } from '../fakes/telegram';
import { startTelegramPeer, type TelegramPeer } from '../main/platforms/telegram/peer';
import { useApp } from './support/browser';
import { engine, expectNoSeriousA11yViolations, go, insertAccount } from './support/app';

// telegram-test-api answers getMe and the sends; the fake in front of it answers getChat and
// getChatMember, which the peer lacks (see test/main/platforms/telegram/connect.test.ts).
describe('accounts', () => {
  const app = useApp();
  let peer: TelegramPeer;
  let fake: TelegramFake;

  beforeAll(async () => {
    peer = await startTelegramPeer();
    fake = await startTelegramFake({ upstream: peer.url, bot: { id: 666, username: 'TestNameBot', first_name: 'Test First name' } });
  });
  afterAll(async () => {
    await fake?.close();
    await peer?.stop();
  });

  it('connects a Telegram channel through the form against telegram-test-api', async () => {
    const { page, harness } = app;
    insertAccount(harness, { platform: 'bluesky', handle: '@ada.bsky.social', displayName: 'Ada Lovelace' });
    insertAccount(harness, { platform: 'mastodon', handle: '@ada@example.social', displayName: 'Ada', connection: 'token_expired' });
    await app.reload();
    await go(page, 'Accounts');
    await page.getByRole('button', { name: 'Connect Telegram' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect Telegram' });
    await dialog.getByLabel('Bot token').fill('not a token');
    await dialog.getByLabel('Channel or chat').fill('@outboxnews');
    await dialog.getByText('Advanced').click();
    await dialog.getByLabel('Bot API server').fill(fake.url);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    // The engine names the field it refused, in plain words, next to it.
    await dialog.getByText(/must look like 123456:ABC-DEF/).first().waitFor();
    await expectNoSeriousA11yViolations(page, 'connect dialog');

    await dialog.getByLabel('Bot token').fill(FAKE_BOT_TOKEN);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('listitem', { name: 'Telegram @outboxnews' });
    await row.getByText('Connected').waitFor();
    expect(fake.forwarded).toContain('getMe');
    const accounts = await engine<Account[]>(harness, 'accounts:list');
    expect(accounts.find((a) => a.platform === 'telegram')).toMatchObject({ handle: '@outboxnews', connection: 'connected', active: true });
    // The token went to the secret store, never back to the page.
    expect(await page.content()).not.toContain(FAKE_BOT_TOKEN);
    await expectNoSeriousA11yViolations(page, 'accounts');
    await app.screenshot('accounts-telegram-connected');
  });

  it('the active switch and disconnect (after confirmation) reach the engine', async () => {
    const { page, harness } = app;
    const row = page.getByRole('listitem', { name: 'Bluesky @ada.bsky.social' });
    await row.getByRole('switch', { name: /Active/ }).uncheck();
    await expect.poll(async () => (await engine<Account[]>(harness, 'accounts:list')).find((a) => a.platform === 'bluesky')?.active).toBe(false);
    await row.getByRole('button', { name: 'Disconnect Bluesky @ada.bsky.social' }).click();
    await page.getByRole('alertdialog', { name: 'Disconnect this account?' }).getByRole('button', { name: 'Disconnect' }).click();
    await expect.poll(async () => (await engine<Account[]>(harness, 'accounts:list')).some((a) => a.platform === 'bluesky')).toBe(false);
    await row.waitFor({ state: 'detached' });
  });

  it('an OAuth platform asks for the creator’s developer app first, then offers the browser step', async () => {
    const { page, harness } = app;
    await page.getByRole('button', { name: 'Connect X' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect X' });
    await dialog.getByLabel('Client ID').fill('my-x-client-id');
    await dialog.getByRole('button', { name: 'Save app keys' }).click();
    await dialog.getByRole('button', { name: 'Continue in browser' }).waitFor();
    expect(await engine<Array<{ platform: string; configured: boolean }>>(harness, 'accounts:appCredentials')).toContainEqual({ platform: 'x', configured: true });
    await expectNoSeriousA11yViolations(page, 'connect X');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('settings: queue slots, catch-up window and theme', async () => {
    const { page, harness } = app;
    await go(page, 'Settings');
    await page.getByLabel('New time on Tuesday').fill('08:15');
    await page.getByRole('button', { name: 'Add time on Tuesday' }).click();
    await expect
      .poll(async () => (await engine<{ queueSlots: Array<{ day: string; time: string }> }>(harness, 'settings:get')).queueSlots)
      .toContainEqual({ day: 'tue', time: '08:15' });
    await page.getByLabel('Catch-up window (minutes)').fill('90');
    await page.getByLabel('Catch-up window (minutes)').blur();
    await expect.poll(async () => (await engine<{ catchUpGraceMinutes: number }>(harness, 'settings:get')).catchUpGraceMinutes).toBe(90);
    await page.getByRole('radio', { name: 'Dark' }).check();
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string> } } }).document.documentElement.dataset['theme'])).toBe('dark');
    await expectNoSeriousA11yViolations(page, 'settings (dark)');
    await app.screenshot('settings-dark');
    await page.getByRole('radio', { name: 'Light' }).check();
    await expectNoSeriousA11yViolations(page, 'settings');
  });
});
