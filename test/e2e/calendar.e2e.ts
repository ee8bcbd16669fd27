import { describe, expect, it } from 'vitest';
import type { Post } from '../../src/shared/domain';
import { useApp } from './support/browser';
import { allPosts, dateInZone, dragTo, engine, expectNoSeriousA11yViolations, go, insertAccount, longDay } from './support/app';

const ZONE = 'Asia/Tokyo';
// The node tsconfig has no DOM types; page callbacks name what they touch.
type PageGlobals = { document: { activeElement: { textContent: string | null } | null } };

describe('calendar', () => {
  const app = useApp();

  it('a post composed and scheduled appears on its day at the local time of the creator’s zone', async () => {
    const { page, harness } = app;
    await engine(harness, 'settings:update', { timeZone: ZONE });
    insertAccount(harness, { platform: 'x', handle: '@ada' });
    insertAccount(harness, { platform: 'bluesky', handle: '@ada.bsky.social' });
    await app.reload();
    await go(page, 'Calendar');
    await expectNoSeriousA11yViolations(page, 'calendar (empty)');

    const day = dateInZone(ZONE, 2);
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Launch day: the new sketchbook is out https://example.com/sketch');
    await expect.poll(() => composer.getByRole('button', { name: 'X @ada', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await composer.getByLabel('Date').fill(day);
    await composer.getByLabel('Time').fill('09:30');
    await composer.getByText(/UTC/).first().waitFor();
    await expectNoSeriousA11yViolations(page, 'composer');
    await composer.getByRole('button', { name: 'Schedule' }).click();
    await composer.waitFor({ state: 'detached' });

    const [post] = (await allPosts(harness)).filter((p) => p.status === 'scheduled');
    expect(post).toBeDefined();
    // 09:30 in Tokyo (UTC+9) is 00:30 UTC the same day.
    expect(post!.scheduledAt).toBe(`${day}T00:30:00.000Z`);
    expect(post!.entries.map((e) => e.platform).sort()).toEqual(['bluesky', 'x']);

    if (day.slice(0, 7) !== dateInZone(ZONE, 0).slice(0, 7)) await page.getByRole('button', { name: 'Next month' }).click();
    const cell = page.getByRole('listitem', { name: new RegExp(`^${longDay(day)}`) });
    const chip = cell.getByRole('button', { name: /^09:30 Launch day/ });
    await chip.waitFor();
    expect(await chip.textContent()).toContain('Scheduled');
  });

  it('dragging a scheduled post to another day changes its scheduledAt and keeps its time', async () => {
    const { page, harness } = app;
    const [post] = (await allPosts(harness)).filter((p) => p.status === 'scheduled') as [Post];
    // 00:30 UTC is 09:30 in Tokyo the same day: the UTC date is the post's day there.
    const from = post.scheduledAt!.slice(0, 10);
    // The day after (or, where the month shown ends with the post's day, the day before: still
    // ahead). Counted from the post, not from today: a run across midnight in Tokyo moved "today".
    const shift = (days: number) => new Date(Date.parse(`${from}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const cellOf = (date: string) => page.getByRole('listitem', { name: new RegExp(`^${longDay(date)}`) });
    const to = (await cellOf(shift(1)).count()) > 0 ? shift(1) : shift(-1);
    // The chip where the first test left it, on its day (the month shown has settled).
    const chip = cellOf(from).getByRole('button', { name: /^09:30 Launch day/ });
    await chip.waitFor();
    const target = cellOf(to);
    await dragTo(page, chip, target);
    await expect.poll(async () => (await engine<Post>(harness, 'posts:get', { id: post.id })).scheduledAt, { timeout: 5000 }).toBe(`${to}T00:30:00.000Z`);
    expect(from).not.toBe(to);
    await target.getByRole('button', { name: /^09:30 Launch day/ }).waitFor();
  });

  it('Alt+arrow keys reschedule from the keyboard, and a move into the past is refused with a message', async () => {
    const { page, harness } = app;
    const [post] = (await allPosts(harness)).filter((p) => p.status === 'scheduled') as [Post];
    const before = Date.parse(post.scheduledAt!);
    await page.getByRole('button', { name: /^09:30 Launch day/ }).focus();
    await page.keyboard.press('Alt+ArrowRight');
    await expect.poll(async () => Date.parse((await engine<Post>(harness, 'posts:get', { id: post.id })).scheduledAt!)).toBe(before + 86_400_000);
    // Focus stays on the moved post, so a second press moves it again (a week back: into the past).
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent ?? '')).toMatch(/^09:30Launch day/);
    await page.keyboard.press('Alt+ArrowUp');
    await page.getByText('That time has already passed: pick a later one.').first().waitFor();
    expect(Date.parse((await engine<Post>(harness, 'posts:get', { id: post.id })).scheduledAt!)).toBe(before + 86_400_000);
  });

  it('clicking a post opens it in the composer; clicking an empty day composes for that day', async () => {
    const { page } = app;
    await page.getByRole('button', { name: /^09:30 Launch day/ }).click();
    const composer = page.getByRole('dialog', { name: 'Edit post' });
    expect(await composer.getByRole('textbox', { name: 'Post text' }).inputValue()).toContain('Launch day');
    await composer.getByRole('button', { name: 'Close' }).click();
    await composer.waitFor({ state: 'detached' });

    const day = dateInZone(ZONE, 5);
    if (day.slice(0, 7) !== dateInZone(ZONE, 4).slice(0, 7) || (await page.getByRole('button', { name: `New post on ${longDay(day)}` }).count()) === 0) {
      await page.getByRole('button', { name: 'Next month' }).click();
    }
    await page.getByRole('button', { name: `New post on ${longDay(day)}` }).click();
    const fresh = page.getByRole('dialog', { name: 'New post' });
    expect(await fresh.getByLabel('Date').inputValue()).toBe(day);
    expect(await fresh.getByLabel('Time').inputValue()).toBe('09:00');
    await fresh.getByRole('button', { name: 'Close' }).click();
  });

  it('week and day views place the post in its hour', async () => {
    const { page, harness } = app;
    const [post] = (await allPosts(harness)).filter((p) => p.status === 'scheduled') as [Post];
    await page.getByRole('button', { name: 'Today' }).click();
    await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Week' }).click();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date(post.scheduledAt!));
    // The post is 4 days ahead: this week or the next.
    if ((await page.locator(`[data-slot="${day}T09"]`).count()) === 0) await page.getByRole('button', { name: 'Next week' }).click();
    await page.locator(`[data-slot="${day}T09"]`).getByRole('button', { name: /^09:30 Launch day/ }).waitFor();
    await expectNoSeriousA11yViolations(page, 'calendar week');
    // An empty slot composes for its hour.
    await page.locator(`[data-slot="${day}T15"]`).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    expect(await composer.getByLabel('Date').inputValue()).toBe(day);
    expect(await composer.getByLabel('Time').inputValue()).toBe('15:00');
    await page.keyboard.press('Escape');
    await composer.waitFor({ state: 'detached' });
    await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Day' }).click();
    await expectNoSeriousA11yViolations(page, 'calendar day');
  });
});
