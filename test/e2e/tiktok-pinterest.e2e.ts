// The composer's TikTok and Pinterest sections in Chromium, against the platform fakes: TikTok's
// creator info as TikTok's content-sharing guidelines require it shown (nickname, privacy options
// with none chosen, the Duet switch disabled because the creator turned duets off, the unaudited
// app's SELF_ONLY rule, the commercial-content disclosure), and Pinterest's board picker with its
// refresh. What the creator picks reaches the engine.
import type { Locator } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src/main/core/ports/doubles';
import { startPinterestFake } from '../fakes/pinterest';
import { startTiktokFake } from '../fakes/tiktok';
import { tempDir } from '../support/core';
import { useApp } from './support/browser';
import { allPosts, expectNoSeriousA11yViolations, insertAccount } from './support/app';

const files = tempDir('outbox-e2e-tiktok-');
const tiktok = await startTiktokFake({ dir: files.dir, creator: { duet_disabled: true, max_video_post_duration_sec: 180 } });
const pinterest = await startPinterestFake({ dir: files.dir });
const secrets = new MemorySecretStore();

afterAll(async () => {
  await tiktok.close();
  await pinterest.close();
  files.remove();
});

describe('TikTok and Pinterest in the composer', () => {
  const app = useApp({ core: { secrets, platforms: { tiktok: { apiBase: tiktok.url }, pinterest: { apiBase: pinterest.url } } } });

  /**
   * Opens an account's options: once the engine's check has run, a section with a problem (no
   * media yet) opens by itself; otherwise it is opened by its summary.
   */
  async function openOptions(composer: Locator, handle: string) {
    const summary = composer.locator('summary', { hasText: handle });
    await summary.getByText(/problem/).waitFor();
    const details = composer.locator('details.platform-options').filter({ has: composer.page().locator('summary', { hasText: handle }) });
    await expect
      .poll(async () => {
        if ((await details.getAttribute('open')) === null) await summary.click();
        return details.getAttribute('open');
      })
      .not.toBeNull();
  }

  async function connected(platform: 'tiktok' | 'pinterest', handle: string, accessToken: string) {
    const id = insertAccount(app.harness, { platform, handle });
    await secrets.set(`account:${id}`, JSON.stringify({ v: 1, secrets: { accessToken, refreshToken: null, tokenType: 'bearer', scope: null }, tokenExpiresAt: null }));
    return id;
  }

  it('TikTok: nickname, privacy with no default, Duet disabled as the creator set it, the SELF_ONLY rule, disclosure; choices reach the engine', async () => {
    const { page, harness } = app;
    await connected('tiktok', '@tiktoker', tiktok.grant().accessToken);
    await app.reload();
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Morning run #running');
    await openOptions(composer, '@tiktoker');
    const section = composer.getByRole('group', { name: 'TikTok options for @tiktoker' });
    await section.getByText('Posting to TikTok as Tik Toker (@tiktoker)').waitFor();

    // Privacy: TikTok's options for this creator, none chosen.
    const privacy = section.getByLabel('Who can see this post');
    expect(await privacy.inputValue()).toBe('');
    expect(await privacy.locator('option').allTextContents()).toEqual(['Choose…', 'Everyone', 'Friends (followers you follow back)', 'Only me']);
    // The creator turned duets off in TikTok: the switch is off and cannot be turned on.
    const duet = section.getByRole('switch', { name: 'Allow Duet' });
    expect(await duet.isDisabled()).toBe(true);
    expect(await duet.isChecked()).toBe(false);
    await section.getByText('Turned off in your TikTok privacy settings').waitFor();
    // Comments and Stitch are allowed by the creator, so they are offered, off until turned on.
    const comments = section.getByRole('switch', { name: 'Allow comments' });
    expect(await comments.isDisabled()).toBe(false);
    expect(await comments.isChecked()).toBe(false);
    await section.getByText('Videos of up to 3 min on this account.').waitFor();
    await section.getByText(/Until TikTok audits your developer app, TikTok only accepts its posts as Only me/).waitFor();

    // Disclosure: on, nothing chosen yet -> the guideline's prompt; "Your brand" -> the label.
    await section.getByRole('switch', { name: 'Disclose post content' }).check();
    await section.getByText('You need to indicate if your content promotes yourself, a third party, or both.').waitFor();
    await section.getByRole('switch', { name: 'Your brand' }).check();
    await section.getByText('Your video will be labelled “Promotional content”.').waitFor();
    await privacy.selectOption('SELF_ONLY');
    // Branded content cannot be private.
    expect(await section.getByRole('switch', { name: 'Branded content' }).isDisabled()).toBe(true);
    await comments.check();
    await app.screenshot('composer-tiktok');
    await expectNoSeriousA11yViolations(page, 'the composer with TikTok options');

    await expect
      .poll(
        async () => (await allPosts(harness)).find((p) => p.parts[0]!.text === 'Morning run #running')?.entries.find((e) => e.platform === 'tiktok')?.settings,
        { timeout: 5000 },
      )
      .toEqual({ privacyLevel: 'SELF_ONLY', discloseContent: true, yourBrand: true, allowComments: true });
    await composer.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('alertdialog', { name: 'Keep this post as a draft?' }).getByRole('button', { name: 'Discard' }).click();
  });

  it('Pinterest: the board is picked from the account’s boards, and a board made meanwhile appears after Refresh boards', async () => {
    const { page, harness } = app;
    await connected('pinterest', 'pinner', pinterest.grant().accessToken);
    await app.reload();
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Summer salad ideas');
    await openOptions(composer, 'pinner');
    const section = composer.getByRole('group', { name: 'Pinterest board for pinner' });
    const board = section.getByRole('combobox', { name: /Board/ });
    await expect.poll(async () => board.locator('option').allTextContents()).toEqual(['Choose a board…', 'Summer recipes', 'Garden (secret)']);

    pinterest.addBoard({ id: '549755885199', name: 'Salads' });
    await section.getByRole('button', { name: 'Refresh boards' }).click();
    await expect.poll(async () => board.locator('option').allTextContents()).toEqual(['Choose a board…', 'Summer recipes', 'Garden (secret)', 'Salads']);
    await board.selectOption({ label: 'Salads' });
    await composer.getByLabel('Private note').fill('Use the lemon dressing');
    await expectNoSeriousA11yViolations(page, 'the composer with the Pinterest board picker');
    await expect
      .poll(async () => (await allPosts(harness)).find((p) => p.parts[0]!.text === 'Summer salad ideas')?.entries.find((e) => e.platform === 'pinterest')?.settings, { timeout: 5000 })
      .toEqual({ boardId: '549755885199', boardName: 'Salads', note: 'Use the lemon dressing' });
    await app.screenshot('composer-pinterest');
    await composer.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('alertdialog', { name: 'Keep this post as a draft?' }).getByRole('button', { name: 'Keep as draft' }).click();
  });
});
