import { describe, expect, it } from 'vitest';
import type { Post } from '../../src/shared/domain';
import { useApp } from './support/browser';
import { allPosts, dateInZone, engine, expectNoSeriousA11yViolations, go, insertAccount, setOutcome } from './support/app';

describe('posts list', () => {
  const app = useApp();

  it('the date range keeps a post scheduled in the last minute of its To day', async () => {
    const { page, harness } = app;
    await engine(harness, 'settings:update', { timeZone: 'UTC' });
    insertAccount(harness, { platform: 'bluesky', handle: '@late.bsky.social' });
    const day = dateInZone('UTC', 5);
    await engine(harness, 'posts:create', { parts: [{ text: 'Late-night print drop' }], schedule: { mode: 'at', at: `${day}T23:59:30.000Z` } });
    await app.reload();
    await go(page, 'Posts');
    await page.getByLabel('From').fill(day);
    await page.getByLabel('To').fill(day);
    await page.getByRole('list', { name: 'Posts' }).getByRole('listitem', { name: 'Late-night print drop' }).waitFor();
  });

  it('lists posts with their per-platform status, error and link, and filters by status', async () => {
    const { page, harness } = app;
    insertAccount(harness, { platform: 'x', handle: '@ada' });
    insertAccount(harness, { platform: 'bluesky', handle: '@ada.bsky.social' });
    const day = dateInZone('UTC', 3);
    await engine(harness, 'posts:create', { parts: [{ text: 'Studio tour next week: come see the new prints' }], schedule: { mode: 'at', at: `${day}T16:00:00.000Z` } });
    await engine(harness, 'posts:create', { parts: [{ text: 'Sketch of the harbour at dawn' }], schedule: { mode: 'draft' } });
    const published = await engine<{ post: Post }>(harness, 'posts:create', { parts: [{ text: 'Print shop is open again' }], schedule: { mode: 'draft' } });
    setOutcome(harness, published.post.id, { status: 'published', entryStatus: 'published', url: 'https://bsky.app/profile/ada/post/1' });
    const failed = await engine<{ post: Post }>(harness, 'posts:create', { parts: [{ text: 'Giveaway results are in' }], schedule: { mode: 'draft' } });
    setOutcome(harness, failed.post.id, { status: 'failed', entryStatus: 'failed', error: 'X refused the post: duplicate content.' });
    await app.reload();
    await go(page, 'Posts');
    // The Posts view opens on what is coming; every post is under All.
    expect(await page.getByRole('tab', { name: 'Upcoming' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('tab', { name: 'All' }).click();

    const failedRow = page.getByRole('listitem', { name: 'Giveaway results are in' });
    await failedRow.getByText('X refused the post: duplicate content.').first().waitFor();
    await failedRow.getByRole('button', { name: 'Retry failed' }).waitFor();
    const publishedRow = page.getByRole('listitem', { name: 'Print shop is open again' });
    expect(await publishedRow.getByRole('link', { name: 'View on X' }).getAttribute('href')).toBe('https://bsky.app/profile/ada/post/1');
    await expectNoSeriousA11yViolations(page, 'posts');

    await page.getByRole('tab', { name: 'Failed' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Posts' }).getByRole('listitem').filter({ has: page.getByRole('group') }).count()).toBe(1);
    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByRole('searchbox', { name: 'Search' }).fill('harbour');
    await expect.poll(() => page.getByRole('list', { name: 'Posts' }).getByRole('listitem', { name: /^Sketch of the harbour/ }).count()).toBe(1);
    await expect.poll(() => page.getByRole('list', { name: 'Posts' }).getByRole('listitem', { name: 'Giveaway results are in' }).count()).toBe(0);
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
  });

  it('duplicates a post as a new draft', async () => {
    const { page, harness } = app;
    const before = (await allPosts(harness)).length;
    await page.getByRole('listitem', { name: /^Studio tour next week/ }).getByRole('button', { name: 'Duplicate' }).click();
    await expect.poll(async () => (await allPosts(harness)).filter((p) => p.parts[0]!.text.startsWith('Studio tour')).map((p) => p.status).sort()).toEqual(['draft', 'scheduled']);
    expect((await allPosts(harness)).length).toBe(before + 1);
    await expect.poll(() => page.getByRole('listitem', { name: /^Studio tour next week/ }).count()).toBe(2);
  });

  it('deletes a post with a few seconds of Undo: Undo brings it back untouched, otherwise it is gone', async () => {
    const { page, harness, context } = app;
    // The Undo window is timed by the page's clock: the test moves it instead of waiting.
    await context.clock.install();
    const row = page.getByRole('listitem', { name: 'Sketch of the harbour at dawn' });
    const before = (await allPosts(harness)).find((p) => p.parts[0]!.text === 'Sketch of the harbour at dawn')!;
    await row.getByRole('button', { name: 'Delete' }).click();
    // Gone from the list at once, still in the engine while the toast offers Undo.
    await row.waitFor({ state: 'detached' });
    const toast = page.getByRole('status', { name: 'Messages' }).locator('.toast', { hasText: 'Deleted “Sketch of the harbour at dawn”' });
    await toast.getByRole('button', { name: 'Undo' }).click();
    await row.waitFor();
    expect((await allPosts(harness)).find((p) => p.id === before.id)).toEqual(before);
    // Without Undo, the delete happens when the toast's time is up.
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await allPosts(harness)).some((p) => p.id === before.id)).toBe(true);
    await context.clock.fastForward(7000);
    await expect.poll(async () => (await allPosts(harness)).some((p) => p.id === before.id)).toBe(false);
  });

  it('the notification list shows recent failures and opens them', async () => {
    const { page } = app;
    await page.getByRole('button', { name: /^Notifications/ }).click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByText('Giveaway results are in').waitFor();
    await expectNoSeriousA11yViolations(page, 'notifications');
    await app.screenshot('notifications');
    await panel.getByRole('button', { name: 'Open post' }).click();
    await page.getByRole('dialog', { name: 'Edit draft' }).or(page.getByRole('dialog', { name: 'Edit post' })).waitFor();
  });

  it('posts missed while Outbox was closed get their own list, with publish now', async () => {
    const { page, harness } = app;
    // The previous test left a post open in the composer; close it (an open composer comes back after a reload).
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const [post] = (await allPosts(harness)).filter((p) => p.status === 'scheduled') as [Post];
    const { default: Database } = await import('better-sqlite3');
    const { join } = await import('node:path');
    const db = new Database(join(harness.dataDir, 'outbox.db'));
    db.prepare('UPDATE posts SET overdue = 1, scheduled_at = ? WHERE id = ?').run(Date.now() - 3 * 3_600_000, post.id);
    db.close();
    await app.reload();
    await go(page, 'Posts');
    const missed = page.getByRole('region', { name: 'Missed while Outbox was closed' });
    await missed.getByRole('listitem', { name: /^Studio tour next week/ }).getByRole('button', { name: 'Publish now' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'posts with missed');
  });

  it('pages through a long list with Next and Previous (keyset cursors): no post twice, none missing, the total from the first page', async () => {
    const { page, harness } = app;
    // 55 of them: with the earlier tests' posts the whole list runs to 4 pages, so "of 3" shows the search has applied.
    for (let i = 1; i <= 55; i++) await engine(harness, 'posts:create', { parts: [{ text: `Paged draft ${i}` }], schedule: { mode: 'draft' } });
    await app.reload();
    await go(page, 'Posts');
    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByRole('searchbox', { name: 'Search' }).fill('Paged draft');
    const pager = page.getByRole('navigation', { name: 'Pages' });
    const shown = async () => {
      const texts = await page.getByRole('list', { name: 'Posts' }).getByRole('listitem', { name: /^Paged draft \d+/ }).allInnerTexts();
      return texts.map((t) => /Paged draft (\d+)/.exec(t)![1]!);
    };
    await expect.poll(() => pager.getByText('Page 1 of 3').count()).toBe(1);
    await expect.poll(async () => (await shown()).length).toBe(20);
    const first = await shown();
    await pager.getByRole('button', { name: 'Next page' }).click();
    await pager.getByText('Page 2 of 3').waitFor();
    await expect.poll(async () => (await shown()).some((n) => first.includes(n))).toBe(false);
    const second = await shown();
    expect(second).toHaveLength(20);
    await pager.getByRole('button', { name: 'Next page' }).click();
    await pager.getByText('Page 3 of 3').waitFor();
    await expect.poll(async () => (await shown()).length).toBe(15);
    const third = await shown();
    expect(new Set([...first, ...second, ...third]).size).toBe(55);
    expect(await pager.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await pager.getByRole('button', { name: 'Previous page' }).click();
    await pager.getByText('Page 2 of 3').waitFor();
    await expect.poll(() => shown()).toEqual(second);
  });
});
