import { describe, expect, it } from 'vitest';
import { useApp } from './support/browser';
import { allPosts, dateInZone, engine, insertAccount } from './support/app';

// The node tsconfig has no DOM types; page callbacks name what they touch.
type PageGlobals = { document: { activeElement: { textContent: string | null; tagName: string; getAttribute(n: string): string | null } | null } };
const focused = (page: import('playwright-core').Page) =>
  page.evaluate(() => {
    const el = (globalThis as unknown as PageGlobals).document.activeElement;
    return { text: el?.textContent?.trim() ?? '', tag: el?.tagName ?? '', label: el?.getAttribute('aria-label') ?? '' };
  });

describe('keyboard only', () => {
  const app = useApp();

  it('writes, schedules and reopens a post without the mouse', async () => {
    const { page, harness } = app;
    insertAccount(harness, { platform: 'bluesky', handle: '@ada.bsky.social' });
    await app.reload();
    await page.getByRole('button', { name: 'Today' }).waitFor();

    // Tab order starts with the skip link, then "New post".
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('New post');
    await page.keyboard.press('Enter');
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.waitFor();
    // The text box has focus at once.
    expect((await focused(page)).tag).toBe('TEXTAREA');
    await page.keyboard.type('Typed without a mouse');
    await composer.getByLabel('Date').focus();
    await page.keyboard.type(dateInZone('UTC', 2).split('-').slice(1).join('') + dateInZone('UTC', 2).slice(0, 4));
    await composer.getByLabel('Time').focus();
    await page.keyboard.type('1115AM');
    await composer.getByRole('button', { name: 'Schedule', exact: true }).focus();
    await page.keyboard.press('Enter');
    await composer.waitFor({ state: 'detached' });
    const [post] = (await allPosts(harness)).filter((p) => p.status === 'scheduled');
    expect(post?.scheduledAt).toBe(`${dateInZone('UTC', 2)}T11:15:00.000Z`);

    // The post on the calendar opens with Enter; Escape closes the composer and focus goes back to it.
    const chip = page.getByRole('button', { name: /^11:15 Typed without a mouse/ });
    await chip.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Edit post' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Edit post' }).waitFor({ state: 'detached' });
    await expect.poll(async () => (await focused(page)).text).toMatch(/^11:15Typed without a mouse/);

    // "n" opens a new post from anywhere outside a text field.
    await page.keyboard.press('n');
    await page.getByRole('dialog', { name: 'New post' }).waitFor();
    await page.keyboard.press('Escape');
    void engine;
  });
});
