// Issue 18, the renderer's part of a creator's daily loop: keyboard (3), published posts (5),
// the composer's first impression (6), fixing an over-limit post (7), loud failures (8), first
// launch (9), honest platforms (10) and Undo on delete (12). Screenshots: test-results/loop-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, Post } from '../../src/shared/domain';
import { OAUTH_REDIRECT_URI } from '../../src/main/core/accounts/accounts.service';
import { FAKE_BOT_TOKEN, startTelegramFake, type TelegramFake } from '../fakes/telegram';
import { startTelegramPeer, type TelegramPeer } from '../main/platforms/telegram/peer';
import { useApp } from './support/browser';
import { allPosts, dateInZone, engine, go, insertAccount, setOutcome } from './support/app';

type ActiveGlobals = { document: { activeElement: { id: string; getAttribute(n: string): string | null; textContent: string | null } | null } };
const active = (page: import('playwright-core').Page) =>
  page.evaluate(() => {
    const el = (globalThis as unknown as ActiveGlobals).document.activeElement;
    return { id: el?.id ?? '', label: el?.getAttribute('aria-label') ?? '', text: el?.textContent ?? '' };
  });

describe('first launch: the empty calendar leads to a first account, then to a first post with it', () => {
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

  it('says what to do first, and the composer opens with the first connected account chosen', async () => {
    const { page, harness } = app;
    const steps = page.getByRole('region', { name: 'Get started' });
    await steps.locator('strong', { hasText: 'Connect an account' }).waitFor();
    await steps.getByText('Write your first post').waitFor();
    await app.screenshot('loop-first-launch');
    await steps.getByRole('button', { name: 'Connect an account' }).click();
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();

    await page.getByRole('button', { name: /^Connect Telegram/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect Telegram' });
    await dialog.getByLabel('Bot token').fill(FAKE_BOT_TOKEN);
    await dialog.getByLabel('Channel or chat').fill('@outboxnews');
    await dialog.getByText('Advanced').click();
    await dialog.getByLabel('Bot API server').fill(fake.url);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();

    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.waitFor();
    const [account] = await engine<Account[]>(harness, 'accounts:list');
    expect(account).toMatchObject({ platform: 'telegram', handle: '@outboxnews' });
    await expect.poll(() => composer.getByRole('button', { name: 'Telegram @outboxnews', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await page.getByText(/write your first post/).first().waitFor();

    // Reconnecting keeps what Outbox knows: the chat and the custom server are filled in.
    await page.keyboard.press('Escape');
    await composer.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Reconnect Telegram @outboxnews' }).click();
    const reconnect = page.getByRole('dialog', { name: 'Reconnect Telegram' });
    expect(await reconnect.getByLabel('Channel or chat').inputValue()).toBe('@outboxnews');
    expect(await reconnect.getByLabel('Bot API server').inputValue()).toBe(fake.url.replace(/\/$/, ''));
    expect(await reconnect.getByLabel('Bot token').inputValue()).toBe('');
    await reconnect.getByRole('button', { name: 'Close' }).click();

    // With an account and no post, the first step is done and the second one is next.
    await go(page, 'Calendar');
    await page.getByRole('region', { name: 'Get started' }).getByText('(done)').waitFor();
    await page.getByRole('region', { name: 'Get started' }).getByRole('button', { name: 'Write a post' }).click();
    await page.getByRole('dialog', { name: 'New post' }).getByRole('textbox', { name: 'Post text' }).fill('Hello from the first post');
    await page.getByRole('dialog', { name: 'New post' }).getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('region', { name: 'Get started' }).waitFor({ state: 'detached' });
  });
});

describe('the daily loop', () => {
  // X publishes since issue 14; these tests show what a platform that cannot publish yet looks
  // like, so this harness runs without X's publisher.
  const app = useApp({ core: { modules: { x: { publisher: undefined } } } });
  let bluesky: string;

  beforeAll(async () => {
    const { harness } = app;
    await engine(harness, 'settings:update', { timeZone: 'UTC' });
    bluesky = insertAccount(harness, { platform: 'bluesky', handle: '@ada.example.org', displayName: 'Ada', instanceUrl: 'https://pds.example.org' });
    insertAccount(harness, { platform: 'instagram', handle: '@ada.draws', displayName: 'Ada draws' });
    await app.reload();
    await app.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  });

  it('6: a new post shows no problems before the creator types; chips carry the platform mark; labels say how to add', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    // The engine's check has answered (its counters are there), yet nothing is flagged.
    await composer.getByRole('list', { name: 'Length per platform' }).waitFor();
    expect(await composer.getByRole('list', { name: 'Problems with the post' }).count()).toBe(0);
    expect(await composer.getByText(/empty/i).count()).toBe(0);
    // Each chip shows its platform's drawn mark, not a letter.
    for (const [name, platform] of [
      ['Bluesky @ada.example.org', 'bluesky'],
      ['Instagram @ada.draws', 'instagram'],
    ]) {
      const chip = composer.getByRole('button', { name, exact: true });
      expect(await chip.locator(`[data-platform="${platform}"] svg`).count()).toBe(1);
      expect((await chip.textContent())?.trim()).not.toMatch(/^[A-Z]@/);
    }
    await composer.getByText('Type a name, then press Enter or Add label.').waitFor();
    expect(await composer.getByRole('button', { name: 'Add label' }).isDisabled()).toBe(true);
    await composer.getByRole('textbox', { name: 'New label' }).fill('Prints');
    await composer.getByRole('button', { name: 'Add label' }).click();
    await expect.poll(() => composer.getByRole('button', { name: /^Prints/ }).getAttribute('aria-pressed')).toBe('true');

    // Once the creator writes, the platform's rule shows (Instagram needs a picture).
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Morning sketch');
    await expect.poll(async () => (await composer.getByRole('list', { name: 'Problems with the post' }).textContent().catch(() => '')) ?? '').toMatch(/Instagram/);
    // ...and never a stale "empty" under a written part.
    expect(await composer.getByText(/is empty/).count()).toBe(0);
    await app.screenshot('loop-composer-first-impression');
  });

  it('3: Escape on a changed composer asks; Keep editing goes back, Discard leaves nothing', async () => {
    const { page, harness } = app;
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('status').getByText('Saved', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    const question = page.getByRole('alertdialog', { name: 'Keep this post as a draft?' });
    await question.waitFor();
    // The safe answer has focus: Enter keeps the draft.
    expect((await active(page)).text).toBe('Keep as draft');
    await question.getByRole('button', { name: 'Keep editing' }).click();
    await question.waitFor({ state: 'detached' });
    expect(await composer.getByRole('textbox', { name: 'Post text' }).inputValue()).toBe('Morning sketch');
    await page.keyboard.press('Escape');
    await question.getByRole('button', { name: 'Discard' }).click();
    await composer.waitFor({ state: 'detached' });
    await expect.poll(async () => (await allPosts(harness)).some((p) => p.parts[0]!.text === 'Morning sketch')).toBe(false);
  });

  it('3: an existing draft, changed then discarded, goes back to how it was', async () => {
    const { page, harness } = app;
    const { post } = await engine<{ post: Post }>(harness, 'posts:create', { parts: [{ text: 'Draft as it was' }], targets: [{ accountId: bluesky }], schedule: { mode: 'draft' } });
    await go(page, 'Posts');
    await page.getByRole('tab', { name: 'Drafts' }).click();
    await page.getByRole('listitem', { name: 'Draft as it was' }).getByRole('button', { name: 'Edit' }).click();
    const composer = page.getByRole('dialog', { name: 'Edit draft' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Draft changed by mistake');
    await composer.getByRole('status').getByText('Saved', { exact: true }).waitFor();
    expect((await engine<Post>(harness, 'posts:get', { id: post.id })).parts[0]!.text).toBe('Draft changed by mistake');
    await page.keyboard.press('Escape');
    await page.getByRole('alertdialog', { name: 'Keep your changes to this draft?' }).getByRole('button', { name: 'Discard changes' }).click();
    await composer.waitFor({ state: 'detached' });
    await expect.poll(async () => (await engine<Post>(harness, 'posts:get', { id: post.id })).parts[0]!.text).toBe('Draft as it was');
  });

  it('3: "Add to thread" moves focus into the new part; Ctrl+Enter schedules, or saves a draft without a time', async () => {
    const { page, harness } = app;
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('button', { name: 'Instagram @ada.draws', exact: true }).click();
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Scheduled from the keyboard');
    await composer.getByRole('button', { name: 'Add to thread' }).click();
    await expect.poll(async () => (await active(page)).id).toBe('part-1');
    await page.keyboard.type('Second part, typed at once');
    expect(await composer.getByRole('textbox', { name: 'Part 2 of 2' }).inputValue()).toBe('Second part, typed at once');
    const day = dateInZone('UTC', 3);
    await composer.getByLabel('Date').fill(day);
    await composer.getByLabel('Time').fill('14:45');
    await composer.getByText('schedules').waitFor();
    await composer.getByRole('textbox', { name: 'Part 2 of 2' }).focus();
    await page.keyboard.press('Control+Enter');
    await composer.waitFor({ state: 'detached' });
    const scheduled = (await allPosts(harness)).find((p) => p.parts[0]!.text === 'Scheduled from the keyboard')!;
    expect(scheduled).toMatchObject({ status: 'scheduled', scheduledAt: `${day}T14:45:00.000Z` });
    expect(scheduled.parts.map((p) => p.text)).toEqual(['Scheduled from the keyboard', 'Second part, typed at once']);

    await page.getByRole('button', { name: 'New post', exact: true }).click();
    // A new post starts at the next queue slot; without a time, Ctrl+Enter keeps it as a draft.
    await expect.poll(() => composer.getByLabel('Date').inputValue()).not.toBe('');
    await composer.getByLabel('Date').fill('');
    await composer.getByRole('textbox', { name: 'Post text' }).fill('An idea for later');
    await page.keyboard.press('Control+Enter');
    await composer.waitFor({ state: 'detached' });
    await page.getByText('Saved as a draft').first().waitFor();
    await expect.poll(async () => (await allPosts(harness)).find((p) => p.parts[0]!.text === 'An idea for later')?.status).toBe('draft');
  });

  it('7: the text past Bluesky’s limit is highlighted; its section opens on the problem with its own text ready', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('button', { name: 'Instagram @ada.draws', exact: true }).click();
    const words = `${'Printmaking notes. '.repeat(16)}${'x'.repeat(6)}`;
    expect(words.length).toBe(310);
    await composer.getByRole('textbox', { name: 'Post text' }).fill(words);
    await expect.poll(() => composer.locator('.part mark.overflow').textContent()).toBe(words.slice(300));
    await composer.getByText('The highlighted text does not fit on Bluesky (300 characters).').waitFor();
    const section = composer.locator('details.platform-options', { hasText: '@ada.example.org' });
    await expect.poll(() => section.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
    await section.getByText('10 characters too long for Bluesky (300 at most).').waitFor();
    await app.screenshot('loop-over-limit');
    // The counter over its limit takes the creator to the fix.
    await composer.getByRole('list', { name: 'Length per platform' }).getByRole('button', { name: /Bluesky 310\/300/ }).click();
    await expect.poll(async () => (await active(page)).id).toMatch(/-own$/);
    await page.keyboard.press('Space');
    const own = composer.getByRole('textbox', { name: 'Text for Bluesky @ada.example.org' });
    await expect.poll(async () => (await active(page)).label).toBe('Text for Bluesky @ada.example.org');
    expect(await own.inputValue()).toBe(words);
    await expect.poll(() => section.locator('mark.overflow').textContent()).toBe(words.slice(300));
    await own.fill(words.slice(0, 290));
    await expect.poll(() => section.locator('mark.overflow').count()).toBe(0);
    // The main text now goes only to accounts without their own text, none of them over.
    await expect.poll(() => composer.locator('.part mark.overflow').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Discard' }).click();
  });

  it('7: the Posts list offers "Publish now" only on a post that can go, and says why otherwise', async () => {
    const { page, harness } = app;
    await engine(harness, 'posts:create', { parts: [{ text: `Too long: ${'words '.repeat(60)}` }], targets: [{ accountId: bluesky }], schedule: { mode: 'draft' } });
    await engine(harness, 'posts:create', { parts: [{ text: 'Short and ready' }], targets: [{ accountId: bluesky }], schedule: { mode: 'draft' } });
    await go(page, 'Posts');
    await page.getByRole('tab', { name: 'Drafts' }).click();
    const long = page.getByRole('listitem', { name: /^Too long: words/ });
    await long.getByText(/Too long for Bluesky \(\d+\/300\)/).waitFor();
    expect(await long.getByRole('button', { name: 'Publish now' }).count()).toBe(0);
    await page.getByRole('listitem', { name: 'Short and ready' }).getByRole('button', { name: 'Publish now' }).waitFor();
    await app.screenshot('loop-posts-cannot-publish');
  });

  it('5: a published post opens read-only with when it went out, its live link, and Duplicate to edit', async () => {
    const { page, harness } = app;
    const { post } = await engine<{ post: Post }>(harness, 'posts:create', { parts: [{ text: 'Print shop is open again' }], targets: [{ accountId: bluesky }], schedule: { mode: 'draft' } });
    setOutcome(harness, post.id, { status: 'published', entryStatus: 'published', url: 'https://bsky.app/profile/ada.example.org/post/3kabc' });
    await app.reload();
    await go(page, 'Posts');
    await page.getByRole('tab', { name: 'Published' }).click();
    await page.getByRole('listitem', { name: 'Print shop is open again' }).getByRole('button', { name: 'Open' }).click();
    const dialog = page.getByRole('dialog', { name: 'Published post' });
    expect(await dialog.getByRole('link', { name: /View on Bluesky/ }).getAttribute('href')).toBe('https://bsky.app/profile/ada.example.org/post/3kabc');
    await dialog.getByText(/^Went out \w+day \d+ \w+ \d{4} at \d\d:\d\d$/).waitFor();
    expect(await dialog.getByRole('textbox').count()).toBe(0);
    expect(await dialog.getByRole('button', { name: 'Schedule' }).count()).toBe(0);
    await app.screenshot('loop-published-post');
    await dialog.getByRole('button', { name: 'Duplicate to edit' }).click();
    const copy = page.getByRole('dialog', { name: 'New post' });
    expect(await copy.getByRole('textbox', { name: 'Post text' }).inputValue()).toBe('Print shop is open again');
    const copies = (await allPosts(harness)).filter((p) => p.parts[0]!.text === 'Print shop is open again');
    expect(copies.map((p) => p.status).sort()).toEqual(['draft', 'published']);
    // The copy is new work: closing it asks, and Discard takes the copy away again.
    await copy.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('alertdialog', { name: 'Keep this post as a draft?' }).getByRole('button', { name: 'Discard' }).click();
    await copy.waitFor({ state: 'detached' });
    await expect.poll(async () => (await allPosts(harness)).filter((p) => p.parts[0]!.text === 'Print shop is open again').map((p) => p.status)).toEqual(['published']);
  });

  it('10: the connect dialog of an OAuth platform shows the exact redirect URI, copies it, and says X cannot publish yet', async () => {
    const { page } = app;
    await go(page, 'Accounts');
    const card = page.getByRole('button', { name: /^Connect X/ });
    await card.getByText('Connects; cannot publish yet').waitFor();
    await card.click();
    const dialog = page.getByRole('dialog', { name: 'Connect X' });
    await dialog.getByText(/cannot publish to it yet/).waitFor();
    const uri = dialog.getByRole('textbox', { name: 'Redirect URI' });
    expect(await uri.inputValue()).toBe(OAUTH_REDIRECT_URI);
    await dialog.getByRole('button', { name: 'Copy redirect URI' }).click();
    await dialog.getByRole('button', { name: 'Copied redirect URI' }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(OAUTH_REDIRECT_URI);
    const steps = dialog.getByRole('list', { name: 'Set up your X developer app' });
    expect(await steps.getByRole('listitem').count()).toBeGreaterThanOrEqual(4);
    expect(await steps.getByRole('link').count()).toBe(0);
    await app.screenshot('loop-connect-x');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Reconnect fills in the handle and the custom server.
    await page.getByRole('button', { name: 'Reconnect Bluesky @ada.example.org' }).click();
    const reconnect = page.getByRole('dialog', { name: 'Reconnect Bluesky' });
    expect(await reconnect.getByLabel('Handle or email').inputValue()).toBe('ada.example.org');
    expect(await reconnect.getByLabel('Server (PDS)').inputValue()).toBe('https://pds.example.org');
    // Only the app password is asked again: typing starts there.
    await expect.poll(async () => (await active(page)).id).toBe('connect-appPassword');
    await reconnect.getByRole('button', { name: 'Close' }).click();
  });

  it('8: a failed post raises a toast with Open and Retry failed, and tops the Failed filter', async () => {
    const { page, harness } = app;
    const x = insertAccount(harness, { platform: 'x', handle: '@ada' });
    // An older failure, to be outranked by the new one.
    const { post: older } = await engine<{ post: Post }>(harness, 'posts:create', { parts: [{ text: 'An older failure' }], targets: [{ accountId: bluesky }], schedule: { mode: 'draft' } });
    setOutcome(harness, older.id, { status: 'failed', entryStatus: 'failed', error: 'Bluesky said: try later.' });
    await app.reload();
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    // The composer says so before anything is sent.
    await composer.getByRole('note').getByText(/Outbox cannot publish to (.* or )?X yet/).waitFor();
    for (const name of ['Bluesky @ada.example.org', 'Instagram @ada.draws']) {
      if ((await composer.getByRole('button', { name, exact: true }).getAttribute('aria-pressed')) === 'true') await composer.getByRole('button', { name, exact: true }).click();
    }
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Sent to X, which cannot publish yet');
    await composer.getByRole('button', { name: 'Publish now' }).click();
    await composer.waitFor({ state: 'detached' });
    const toast = page.locator('.toast', { hasText: /Sent to X, which cannot publish yet” failed to publish on X/ });
    await toast.waitFor({ timeout: 10_000 });
    await toast.getByRole('button', { name: 'Retry failed' }).waitFor();
    await app.screenshot('loop-failure-toast');
    const failed = (await allPosts(harness)).find((p) => p.parts[0]!.text.startsWith('Sent to X'))!;
    expect(failed.entries.map((e) => [e.accountId, e.status])).toEqual([[x, 'failed']]);

    await go(page, 'Posts');
    await page.getByRole('tab', { name: 'Failed' }).click();
    const rows = page.getByRole('list', { name: 'Posts' }).locator(':scope > li');
    await expect.poll(async () => Promise.all([0, 1].map(async (i) => (await rows.nth(i).getAttribute('aria-label').catch(() => null)) ?? ''))).toEqual(['Sent to X, which cannot publish yet', 'An older failure']);
    await toast.getByRole('button', { name: 'Open' }).click();
    const opened = page.getByRole('dialog', { name: 'Edit post' });
    expect(await opened.getByRole('textbox', { name: 'Post text' }).inputValue()).toBe('Sent to X, which cannot publish yet');
    await opened.getByText(/not available in this version/).first().waitFor();
    await page.keyboard.press('Escape');
    await opened.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'All' }).click();
  });

  it('12: Delete has a few seconds of Undo; Undo changes nothing, and a delete left waiting when the window closes still happens', async () => {
    const { page, harness, context } = app;
    await context.clock.install();
    await app.reload();
    await go(page, 'Posts');
    const { post } = await engine<{ post: Post }>(harness, 'posts:create', { parts: [{ text: 'Delete me, then undo' }], targets: [{ accountId: bluesky }], schedule: { mode: 'at', at: `${dateInZone('UTC', 2)}T10:00:00.000Z` } });
    const row = page.getByRole('listitem', { name: 'Delete me, then undo' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    const toast = page.locator('.toast', { hasText: 'Deleted “Delete me, then undo”' });
    await app.screenshot('loop-delete-undo');
    await context.clock.fastForward(3000);
    expect(await engine<Post>(harness, 'posts:get', { id: post.id })).toEqual(post);
    await toast.getByRole('button', { name: 'Undo' }).click();
    await row.waitFor();
    await context.clock.fastForward(10_000);
    expect(await engine<Post>(harness, 'posts:get', { id: post.id })).toEqual(post);

    // Without Undo: gone once the toast's time is up.
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    await context.clock.fastForward(7000);
    await expect.poll(async () => (await allPosts(harness)).some((p) => p.id === post.id)).toBe(false);

    // Closed inside the window: the delete is carried out, not forgotten.
    const { post: other } = await engine<{ post: Post }>(harness, 'posts:create', { parts: [{ text: 'Deleted just before closing' }], targets: [{ accountId: bluesky }], schedule: { mode: 'draft' } });
    await page.getByRole('tab', { name: 'Drafts' }).click();
    const otherRow = page.getByRole('listitem', { name: 'Deleted just before closing' });
    await otherRow.getByRole('button', { name: 'Delete' }).click();
    await otherRow.waitFor({ state: 'detached' });
    expect((await allPosts(harness)).some((p) => p.id === other.id)).toBe(true);
    await app.reload();
    await expect.poll(async () => (await allPosts(harness)).some((p) => p.id === other.id)).toBe(false);
  });
});
