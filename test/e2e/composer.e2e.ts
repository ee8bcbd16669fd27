import { describe, expect, it } from 'vitest';
import type { Post } from '../../src/shared/domain';
import { useApp } from './support/browser';
import { allPosts, dateInZone, engine, expectNoSeriousA11yViolations, go, insertAccount } from './support/app';

describe('composer', () => {
  const app = useApp();

  it('an X post over 280 characters shows the counter and cannot be scheduled', async () => {
    const { page, harness } = app;
    insertAccount(harness, { platform: 'x', handle: '@ada' });
    insertAccount(harness, { platform: 'mastodon', handle: '@ada@example.social', active: false });
    await app.reload();
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    // Only the active account is preselected.
    expect(await composer.getByRole('button', { name: 'X @ada', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await composer.getByRole('button', { name: 'Mastodon @ada@example.social', exact: true }).getAttribute('aria-pressed')).toBe('false');

    await composer.getByRole('textbox', { name: 'Post text' }).fill('a'.repeat(291));
    const counters = composer.getByRole('list', { name: 'Length per platform' });
    await counters.getByText('X 291/280').waitFor();
    await composer.getByLabel('Date').fill(dateInZone('UTC', 2));
    await composer.getByLabel('Time').fill('10:00');
    const schedule = composer.getByRole('button', { name: 'Schedule', exact: true });
    await expect.poll(() => schedule.isDisabled()).toBe(true);
    expect(await composer.getByRole('button', { name: 'Publish now' }).isDisabled()).toBe(true);
    await composer.getByText('Fix the problems marked ⚠ first.').waitFor();
    await app.screenshot('composer-over-limit');

    // Back under the limit, it can go.
    await composer.getByRole('textbox', { name: 'Post text' }).fill('a'.repeat(280));
    await counters.getByText('X 280/280').waitFor();
    await expect.poll(() => schedule.isDisabled()).toBe(false);
    await composer.getByRole('button', { name: 'Close' }).click();
  });

  it('a draft survives a reload, even one typed just before it', async () => {
    const { page, harness } = app;
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Half-written thought about ink');
    // No waiting for the autosave: the reload comes at once.
    await app.reload();
    const restored = page.getByRole('dialog', { name: 'New post' });
    expect(await restored.getByRole('textbox', { name: 'Post text' }).inputValue()).toBe('Half-written thought about ink');
    await expect
      .poll(async () => (await allPosts(harness)).filter((p) => p.status === 'draft').map((p) => p.parts[0]!.text), { timeout: 5000 })
      .toContain('Half-written thought about ink');
    await restored.getByRole('textbox', { name: 'Post text' }).fill('Half-written thought about ink and paper');
    await restored.getByRole('status').getByText('Saved', { exact: true }).waitFor();
    await restored.getByRole('button', { name: 'Close' }).click();
    await app.reload();
    await go(page, 'Posts');
    await page.getByRole('listitem', { name: 'Half-written thought about ink and paper' }).waitFor();
    expect((await allPosts(harness)).filter((p) => p.parts[0]!.text.startsWith('Half-written'))).toHaveLength(1);
  });

  it('threads: add and remove parts; the engine stores them in order', async () => {
    const { page, harness } = app;
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('First part');
    await composer.getByRole('button', { name: 'Add to thread' }).click();
    await composer.getByRole('textbox', { name: 'Part 2 of 2' }).fill('Second part');
    await composer.getByRole('button', { name: 'Add to thread' }).click();
    await composer.getByRole('textbox', { name: 'Part 3 of 3' }).fill('Third part');
    await composer.getByRole('button', { name: 'Remove part 2' }).click();
    await composer.getByRole('status').getByText('Saved', { exact: true }).waitFor();
    await expect
      .poll(async () => (await allPosts(harness)).find((p) => p.parts[0]!.text === 'First part')?.parts.map((p) => p.text), { timeout: 5000 })
      .toEqual(['First part', 'Third part']);
    await composer.getByRole('button', { name: 'Close' }).click();
  });

  it('keeps drafting while offline and shows a banner', async () => {
    const { page, context } = app;
    await context.setOffline(true);
    await page.getByRole('alert').getByText(/You are offline/).waitFor();
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Written on a train');
    expect(await composer.getByRole('textbox', { name: 'Post text' }).inputValue()).toBe('Written on a train');
    await context.setOffline(false);
    await page.getByRole('alert').getByText(/You are offline/).waitFor({ state: 'detached' });
    await composer.getByRole('button', { name: 'Close' }).click();
    await expect.poll(async () => (await allPosts(app.harness)).some((p: Post) => p.parts[0]!.text === 'Written on a train'), { timeout: 5000 }).toBe(true);
    await expectNoSeriousA11yViolations(page, 'posts');
    void engine;
  });
});
