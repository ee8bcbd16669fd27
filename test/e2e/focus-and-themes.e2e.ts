// Every view and dialog, in the light and the dark theme: each interactive element shows a focus
// ring when reached by Tab, axe finds no serious or critical violation, and a screenshot of each
// goes to test-results/ux-<what>-<theme>.png (only this file writes those names).
import type { Page } from 'playwright-core';
import { describe, it } from 'vitest';
import type { Post } from '../../src/shared/domain';
import { useApp } from './support/browser';
import { dateInZone, engine, expectFocusRings, expectNoSeriousA11yViolations, go, insertAccount, setOutcome } from './support/app';

const THEMES = ['light', 'dark'] as const;

describe('focus rings, axe and screenshots of every view and dialog, in both themes', () => {
  const app = useApp();

  /** Checks what is on screen now in both themes; `scope` is the open dialog when there is one. */
  async function check(page: Page, what: string, scope = 'body', options: { focus?: boolean } = {}) {
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await expectNoSeriousA11yViolations(page, `${what} (${theme})`);
      await app.screenshot(`ux-${what}-${theme}`);
      if (options.focus !== false) await expectFocusRings(page, `${what} (${theme})`, scope);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  it('the empty calendar says what to do first', async () => {
    const { page } = app;
    await page.getByRole('region', { name: 'Get started' }).waitFor();
    await check(page, 'calendar-first-steps');
  });

  it('the main views with a creator’s data', async () => {
    const { page, harness } = app;
    await engine(harness, 'settings:update', { timeZone: 'UTC' });
    insertAccount(harness, { platform: 'x', handle: '@inkandpaper', displayName: 'Ink & Paper' });
    insertAccount(harness, { platform: 'bluesky', handle: '@inkandpaper.bsky.social', displayName: 'Ink & Paper' });
    insertAccount(harness, { platform: 'mastodon', handle: '@ink@illustration.social', displayName: 'Ink & Paper', connection: 'token_expired' });
    insertAccount(harness, { platform: 'telegram', handle: '@inkandpapernews', displayName: 'Ink & Paper news' });
    const texts = ['New linocut print drop this Friday: five colours, forty prints', 'Studio tour on Saturday, doors open at 10', 'Thread: how I mix inks for a clean gradient', 'Sketchbook Sunday'];
    for (const [i, d] of [1, 2, 4, 6].entries()) {
      await engine(harness, 'posts:create', { parts: [{ text: texts[i]! }], schedule: { mode: 'at', at: `${dateInZone('UTC', d)}T${String(8 + i).padStart(2, "0")}:30:00.000Z` } });
    }
    const published = await engine<{ post: Post }>(harness, 'posts:create', { parts: [{ text: 'Thank you for 2,000 followers!' }], schedule: { mode: 'draft' } });
    setOutcome(harness, published.post.id, { status: 'published', entryStatus: 'published', url: 'https://bsky.app/profile/inkandpaper/post/3k' });
    const failed = await engine<{ post: Post }>(harness, 'posts:create', { parts: [{ text: 'Giveaway results are in' }], schedule: { mode: 'draft' } });
    setOutcome(harness, failed.post.id, { status: 'failed', entryStatus: 'failed', error: 'X said: duplicate content.' });
    await engine(harness, 'posts:create', { parts: [{ text: `A long thought about printing: ${'ink and paper, '.repeat(24)}` }], schedule: { mode: 'draft' } });
    await app.reload();

    await go(page, 'Calendar');
    await page.getByRole('button', { name: /Studio tour on Saturday/ }).first().waitFor();
    await check(page, 'calendar-month');
    await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Week' }).click();
    await check(page, 'calendar-week');
    await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Day' }).click();
    await check(page, 'calendar-day', 'body', { focus: true });
    await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Month' }).click();

    await go(page, 'Posts');
    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByRole('listitem', { name: 'Giveaway results are in' }).waitFor();
    await page.getByText(/Too long for/).first().waitFor();
    await check(page, 'posts');

    await go(page, 'Accounts');
    await page.getByRole('listitem', { name: 'Telegram @inkandpapernews' }).waitFor();
    await check(page, 'accounts');

    await go(page, 'Settings');
    await page.getByRole('combobox', { name: 'Time zone' }).waitFor();
    await check(page, 'settings');
  });

  it('the composer, its close question and the published post', async () => {
    const { page } = app;
    await go(page, 'Calendar');
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill(`Fresh off the press: the harbour series, printed by hand in five colours, forty of each, signed and numbered. ${'Every print is pulled on the old Albion press in the studio, one sheet at a time. '.repeat(3)}`);
    await composer.getByRole('button', { name: 'Add to thread' }).click();
    await composer.getByRole('textbox', { name: 'Part 2 of 2' }).fill('Shop opens Friday at ten.');
    await composer.getByLabel('Date').fill(dateInZone('UTC', 3));
    await composer.getByLabel('Time').fill('09:00');
    await composer.locator('mark.overflow').first().waitFor();
    // The engine's check has answered (the actions it disables stay disabled while tabbing).
    await composer.getByText('Fix the problems marked ⚠ first.').waitFor();
    await composer.locator('.composer-main').evaluate((el) => (el.scrollTop = 0));
    await check(page, 'composer', 'dialog[open]');

    await page.keyboard.press('Escape');
    const question = page.getByRole('alertdialog', { name: 'Keep this post as a draft?' });
    await question.waitFor();
    await check(page, 'composer-close-question', 'dialog[open][role=alertdialog]');
    await question.getByRole('button', { name: 'Discard' }).click();
    await composer.waitFor({ state: 'detached' });

    await go(page, 'Posts');
    await page.getByRole('listitem', { name: 'Thank you for 2,000 followers!' }).getByRole('button', { name: 'Open' }).click();
    const published = page.getByRole('dialog', { name: 'Published post' });
    await published.getByRole('link', { name: /View on Bluesky/ }).waitFor();
    await check(page, 'published-post', 'dialog[open]');
    await published.getByRole('button', { name: 'Done' }).click();
    await published.waitFor({ state: 'detached' });
  });

  it('the notifications, connect and disconnect dialogs', async () => {
    const { page } = app;
    await page.getByRole('button', { name: /^Notifications/ }).click();
    const notifications = page.getByRole('dialog', { name: 'Notifications' });
    await notifications.getByText('Giveaway results are in').waitFor();
    await check(page, 'notifications', 'dialog[open]');
    await notifications.getByRole('button', { name: 'Close' }).click();

    await go(page, 'Accounts');
    await page.getByRole('button', { name: 'Reconnect Bluesky @inkandpaper.bsky.social' }).click();
    const reconnect = page.getByRole('dialog', { name: 'Reconnect Bluesky' });
    await reconnect.getByLabel('Handle or email').waitFor();
    await check(page, 'connect-bluesky', 'dialog[open]');
    await reconnect.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: /^Connect X/ }).click();
    const x = page.getByRole('dialog', { name: 'Connect X' });
    await x.getByRole('textbox', { name: 'Redirect URI' }).waitFor();
    await check(page, 'connect-x', 'dialog[open]');
    await x.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Disconnect Telegram @inkandpapernews' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Disconnect this account?' });
    await confirm.waitFor();
    await check(page, 'disconnect', 'dialog[open]');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
  });
});
