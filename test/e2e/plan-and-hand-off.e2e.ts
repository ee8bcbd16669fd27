// Issue 18, items 1, 2, 4, 11 and 13, and issue 17's renderer: every post on the calendar, threads
// to a platform that cannot thread (checked against the Telegram peer's storage), times that pick
// themselves, time zone changes, limits in every unit, and posts handed to Mastodon's scheduler.
// Screenshots: test-results/plan-*.png, each in the light and the dark theme where it says so.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, Post } from '../../src/shared/domain';
import type { Settings } from '../../src/shared/ipc/settings';
import { FAKE_BOT_TOKEN, startTelegramFake, type TelegramFake } from '../fakes/telegram';
import { startTelegramPeer, type TelegramPeer } from '../main/platforms/telegram/peer';
import { useApp, type E2E } from './support/browser';
import { allPosts, engine, expectNoSeriousA11yViolations, go, insertAccount } from './support/app';

const THEMES = ['light', 'dark'] as const;

/** axe in both themes, with a screenshot of each. */
async function bothThemes(app: E2E, what: string) {
  for (const theme of THEMES) {
    await app.page.emulateMedia({ colorScheme: theme });
    await expectNoSeriousA11yViolations(app.page, `${what} (${theme})`);
    await app.screenshot(`plan-${what}-${theme}`);
  }
  await app.page.emulateMedia({ colorScheme: 'light' });
}

/** The wall-clock date and time of an instant in a zone. */
function wall(iso: string, zone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

async function newPost(page: Page) {
  await page.getByRole('button', { name: 'New post', exact: true }).click();
  const composer = page.getByRole('dialog', { name: 'New post' });
  await composer.waitFor();
  return composer;
}

describe('threads to Telegram, and publish-now posts on the calendar', () => {
  const app = useApp();
  let peer: TelegramPeer;
  let fake: TelegramFake;
  beforeAll(async () => {
    peer = await startTelegramPeer();
    fake = await startTelegramFake({ upstream: peer.url, bot: { id: 666, username: 'TestNameBot', first_name: 'Test First name' } });
    await engine(app.harness, 'accounts:connect', { platform: 'telegram', botToken: FAKE_BOT_TOKEN, chatId: '@outboxnews', apiBase: fake.url });
    await app.reload();
  });
  afterAll(async () => {
    await fake?.close();
    await peer?.stop();
  });
  const texts = () => peer.botMessages(FAKE_BOT_TOKEN).map((m) => m.text);

  async function writeThread(page: Page, parts: string[]) {
    const composer = await newPost(page);
    await composer.getByRole('textbox', { name: 'Post text' }).fill(parts[0]!);
    for (let i = 1; i < parts.length; i++) {
      await composer.getByRole('button', { name: 'Add to thread' }).click();
      await composer.getByRole('textbox', { name: `Part ${i + 1} of ${i + 1}` }).fill(parts[i]!);
    }
    return composer;
  }

  it('a thread goes to Telegram joined as one message by default: the preview shows it, the peer stores exactly that, and the post sits on the calendar', async () => {
    const { page, harness } = app;
    const composer = await writeThread(page, ['Print sale, part one', 'Part two: the prices', 'Part three: the link']);
    // Telegram was chosen (every active account is), and the preview shows what Telegram receives: one message.
    await expect.poll(() => composer.getByRole('button', { name: 'Telegram @outboxnews', exact: true }).getAttribute('aria-pressed')).toBe('true');
    const preview = composer.getByRole('figure', { name: 'Preview on Telegram' });
    await expect.poll(() => preview.locator('.preview-post').count()).toBe(1);
    expect(await preview.locator('.preview-text').innerText()).toBe('Print sale, part one\n\nPart two: the prices\n\nPart three: the link');
    await composer.getByText('Telegram cannot show a thread: the 3 parts go as one message').waitFor();
    await composer.locator('summary', { hasText: 'Telegram' }).click();
    expect(await composer.getByRole('radio', { name: 'All parts joined as one message' }).isChecked()).toBe(true);
    await bothThemes(app, 'thread-joined');
    await composer.getByRole('button', { name: 'Publish now' }).click();
    await composer.waitFor({ state: 'detached' });
    await expect.poll(texts, { timeout: 10_000 }).toContain('Print sale, part one\n\nPart two: the prices\n\nPart three: the link');
    await expect.poll(async () => (await allPosts(harness)).find((p) => p.parts[0]!.text === 'Print sale, part one')?.status, { timeout: 10_000 }).toBe('published');

    // Published with "Publish now" (never scheduled), it is on the calendar at the moment it went out.
    await go(page, 'Calendar');
    await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Month' }).click();
    await page.getByRole('button', { name: 'Today' }).click();
    await page.getByRole('button', { name: /Print sale, part one.*Published/ }).waitFor();
  });

  it('“First part only” sends part 1 alone; a draft published by hand lands on the calendar too', async () => {
    const { page, harness } = app;
    const composer = await writeThread(page, ['Studio open day', 'Bring a friend']);
    await composer.locator('summary', { hasText: 'Telegram' }).click();
    await composer.getByRole('radio', { name: 'First part only' }).check();
    const preview = composer.getByRole('figure', { name: 'Preview on Telegram' });
    await expect.poll(() => preview.locator('.preview-text').allInnerTexts()).toEqual(['Studio open day']);
    await composer.getByRole('button', { name: 'Save draft' }).click();
    await composer.waitFor({ state: 'detached' });
    const draft = (await allPosts(harness)).find((p) => p.parts[0]!.text === 'Studio open day')!;
    expect(draft.entries[0]!.threadMode).toBe('first');
    // Published from the Posts view's Drafts tab: posts:publish of a draft, which sets no scheduledAt.
    await go(page, 'Posts');
    await page.getByRole('tab', { name: 'Drafts' }).click();
    await page.getByRole('listitem', { name: 'Studio open day' }).getByRole('button', { name: 'Publish now' }).click();
    await expect.poll(texts, { timeout: 10_000 }).toContain('Studio open day');
    expect(texts()).not.toContain('Bring a friend');
    expect(texts().some((t) => typeof t === 'string' && t.includes('Bring a friend'))).toBe(false);
    await expect.poll(async () => (await allPosts(harness)).find((p) => p.id === draft.id)?.status, { timeout: 10_000 }).toBe('published');
    const sent = (await allPosts(harness)).find((p) => p.id === draft.id)!;
    expect(sent.scheduledAt).toBeNull();
    expect(sent.calendarAt).not.toBeNull();
    await go(page, 'Calendar');
    await page.getByRole('button', { name: /Studio open day.*Published/ }).waitFor();
    await bothThemes(app, 'calendar-published');
  });
});

describe('times that pick themselves, the Posts tabs, limits in every unit, time zones', () => {
  const app = useApp();
  beforeAll(async () => {
    await engine(app.harness, 'settings:update', { timeZone: 'UTC' });
    insertAccount(app.harness, { platform: 'bluesky', handle: '@ada.bsky.social' });
    await app.reload();
  });

  it('“every day at 12:00” is one action in Settings', async () => {
    const { page, harness } = app;
    await go(page, 'Settings');
    const form = page.getByRole('form', { name: 'Add a time to several days' });
    await form.getByLabel('Days').selectOption('every');
    await form.getByLabel('At').fill('12:00');
    await form.getByRole('button', { name: 'Add to the queue' }).click();
    await expect
      .poll(async () => (await engine<Settings>(harness, 'settings:get')).queueSlots.filter((s) => s.time === '12:00').map((s) => s.day))
      .toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    // Done once: doing it again says why it cannot, next to the disabled button.
    await form.getByText('Every one of these days already has 12:00.').waitFor();
    expect(await form.getByRole('button', { name: 'Add to the queue' }).isDisabled()).toBe(true);
    await bothThemes(app, 'queue-settings');
  });

  it('a new post starts at the next free queue slot, Schedule says why it waits, and scheduling takes that slot', async () => {
    const { page, harness } = app;
    const { slots } = await engine<{ slots: string[] }>(harness, 'posts:nextSlots', { count: 1 });
    const slot = wall(slots[0]!, 'UTC');
    const composer = await newPost(page);
    await expect.poll(() => composer.getByLabel('Date').inputValue()).toBe(slot.date);
    expect(await composer.getByLabel('Time').inputValue()).toBe(slot.time);
    expect(await composer.getByRole('button', { name: /^Next queue slot/ }).getAttribute('aria-pressed')).toBe('true');
    // Disabled, with the reason beside it.
    const schedule = composer.getByRole('button', { name: 'Schedule', exact: true });
    expect(await schedule.isDisabled()).toBe(true);
    await composer.locator('#why-not', { hasText: 'Write something first.' }).waitFor();
    expect(await schedule.getAttribute('aria-describedby')).toBe('why-not');
    await composer.getByRole('textbox', { name: 'Post text' }).fill('New etchings in the shop at noon');
    await expect.poll(() => schedule.isEnabled()).toBe(true);
    await bothThemes(app, 'composer-prefilled');
    // Quick picks set the time; "Next queue slot" brings it back.
    await composer.getByRole('button', { name: /^Tomorrow morning/ }).click();
    expect(await composer.getByLabel('Time').inputValue()).toBe('09:00');
    await composer.getByRole('button', { name: /^Next queue slot/ }).click();
    await schedule.click();
    await composer.waitFor({ state: 'detached' });
    const post = (await allPosts(harness)).find((p) => p.parts[0]!.text === 'New etchings in the shop at noon')!;
    expect(post).toMatchObject({ status: 'scheduled', scheduledAt: slots[0] });
  });

  it('free queue slots are ghost slots on the week view; clicking one composes for it', async () => {
    const { page, harness } = app;
    const { slots } = await engine<{ slots: string[] }>(harness, 'posts:nextSlots', { count: 1 });
    const slot = wall(slots[0]!, 'UTC');
    await go(page, 'Calendar');
    await page.getByRole('button', { name: 'Today' }).click();
    await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Week' }).click();
    if ((await page.locator(`[data-slot="${slot.date}T${slot.time.slice(0, 2)}"]`).count()) === 0) await page.getByRole('button', { name: 'Next week' }).click();
    const ghost = page.locator(`[data-slot="${slot.date}T${slot.time.slice(0, 2)}"]`).getByRole('button', { name: new RegExp(`^${slot.time} Queue slot`) });
    await bothThemes(app, 'week-ghost-slots');
    await ghost.click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    expect(await composer.getByLabel('Date').inputValue()).toBe(slot.date);
    expect(await composer.getByLabel('Time').inputValue()).toBe(slot.time);
    await page.keyboard.press('Escape');
    await composer.waitFor({ state: 'detached' });
    // A slot a post takes is no ghost: the one scheduled above has its chip instead.
    const taken = (await allPosts(harness)).find((p) => p.status === 'scheduled')!;
    const at = wall(taken.scheduledAt!, 'UTC');
    await page.getByRole('button', { name: 'Today' }).click();
    if ((await page.locator(`[data-slot="${at.date}T${at.time.slice(0, 2)}"]`).count()) === 0) await page.getByRole('button', { name: 'Next week' }).click();
    await page.locator(`[data-slot="${at.date}T${at.time.slice(0, 2)}"] [data-post-id="${taken.id}"]`).waitFor();
    expect(await page.locator(`[data-slot="${at.date}T${at.time.slice(0, 2)}"]`).getByRole('button', { name: new RegExp(`^${at.time} Queue slot`) }).count()).toBe(0);
  });

  it('the Posts view opens on Upcoming, soonest first; Drafts, Published, Failed and All are a tab away', async () => {
    const { page, harness } = app;
    const soon = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const later = new Date(Date.now() + 20 * 86_400_000).toISOString();
    await engine(harness, 'posts:create', { parts: [{ text: 'Later: the autumn catalogue' }], schedule: { mode: 'at', at: later } });
    await engine(harness, 'posts:create', { parts: [{ text: 'Soon: doors open' }], schedule: { mode: 'at', at: soon } });
    await engine(harness, 'posts:create', { parts: [{ text: 'An idea for a zine' }], schedule: { mode: 'draft' } });
    await go(page, 'Posts');
    expect(await page.getByRole('tab', { name: 'Upcoming' }).getAttribute('aria-selected')).toBe('true');
    const rows = page.getByRole('list', { name: 'Posts' }).locator(':scope > li');
    // Soonest first, as the engine has them (the queue post's slot may come before or after "Soon").
    const upcoming = (await allPosts(harness)).filter((p) => p.status === 'scheduled').sort((a, b) => Date.parse(a.scheduledAt!) - Date.parse(b.scheduledAt!));
    expect(upcoming.map((p) => p.parts[0]!.text)).toContain('Soon: doors open');
    expect(upcoming.at(-1)!.parts[0]!.text).toBe('Later: the autumn catalogue');
    await expect.poll(() => rows.evaluateAll((lis) => lis.map((li) => li.getAttribute('aria-label')))).toEqual(upcoming.map((p) => p.parts[0]!.text));
    await bothThemes(app, 'posts-upcoming');
    await page.getByRole('tab', { name: 'Drafts' }).click();
    await page.getByRole('list', { name: 'Posts' }).getByRole('listitem', { name: 'An idea for a zine' }).waitFor();
    expect(await page.getByRole('list', { name: 'Posts' }).getByRole('listitem', { name: 'Soon: doors open' }).count()).toBe(0);
    // Arrow keys move between tabs.
    await page.getByRole('tab', { name: 'Drafts' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByRole('tab', { name: 'Published' }).getAttribute('aria-selected')).toBe('true');
    await page.getByText('Nothing published yet.').waitFor();
  });

  it('Bluesky counts graphemes and bytes: 300 family emoji are refused before scheduling, the counter shows the bytes', async () => {
    const { page } = app;
    const composer = await newPost(page);
    await composer.getByRole('textbox', { name: 'Post text' }).fill('👨‍👩‍👧‍👦'.repeat(300));
    const counter = composer.getByRole('list', { name: 'Length per platform' });
    await counter.getByText('Bluesky 7,500/3,000 bytes').waitFor();
    // The highlight starts where the bytes run out (the 121st emoji), and says which limit it is.
    await composer.getByText('The highlighted text does not fit on Bluesky (3,000 bytes).').waitFor();
    expect(await composer.locator('.part mark.overflow').textContent()).toBe('👨‍👩‍👧‍👦'.repeat(180));
    expect(await composer.getByRole('button', { name: 'Schedule', exact: true }).isDisabled()).toBe(true);
    await composer.locator('#why-not', { hasText: 'Fix the problems marked ⚠ first.' }).waitFor();
    await bothThemes(app, 'bluesky-bytes');
    await composer.getByRole('textbox', { name: 'Post text' }).fill('👨‍👩‍👧‍👦'.repeat(100));
    await counter.getByText('Bluesky 2,500/3,000 bytes').waitFor();
    await composer.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Discard' }).click();
    await composer.waitFor({ state: 'detached' });
  });

  it('a time zone change asks: keeping the local time moves 09:30 Berlin to 09:30 London', async () => {
    const { page, harness } = app;
    await engine(harness, 'settings:update', { timeZone: 'Europe/Berlin' });
    const year = new Date().getUTCFullYear() + 1;
    // 09:30 in Berlin on 14 January (UTC+1) is 08:30 UTC.
    const created = await engine<{ post: Post }>(harness, 'posts:create', { parts: [{ text: 'Winter print fair' }], schedule: { mode: 'at', at: `${year}-01-14T08:30:00.000Z` } });
    await app.reload();
    await go(page, 'Settings');
    await page.getByLabel('Time zone').selectOption('Europe/London');
    const question = page.getByRole('alertdialog', { name: 'What should scheduled posts keep?' });
    await question.waitFor();
    await bothThemes(app, 'zone-question');
    await question.getByRole('button', { name: 'Keep their local time' }).click();
    await expect.poll(async () => (await engine<Post>(harness, 'posts:get', { id: created.post.id })).scheduledAt).toBe(`${year}-01-14T09:30:00.000Z`);
    expect((await engine<Settings>(harness, 'settings:get')).timeZone).toBe('Europe/London');
    // Keeping the moment changes only the zone.
    await page.getByLabel('Time zone').selectOption('Europe/Paris');
    await page.getByRole('alertdialog', { name: 'What should scheduled posts keep?' }).getByRole('button', { name: 'Keep their moment' }).click();
    await expect.poll(async () => (await engine<Settings>(harness, 'settings:get')).timeZone).toBe('Europe/Paris');
    expect((await engine<Post>(harness, 'posts:get', { id: created.post.id })).scheduledAt).toBe(`${year}-01-14T09:30:00.000Z`);
  });
});

describe('posts handed to Mastodon’s own scheduler', () => {
  const app = useApp();
  let mastodon: string;
  let bluesky: string;
  let postId: string;
  beforeAll(async () => {
    await engine(app.harness, 'settings:update', { timeZone: 'UTC' });
    mastodon = insertAccount(app.harness, { platform: 'mastodon', handle: '@ada@mastodon.example', instanceUrl: 'https://mastodon.example' });
    bluesky = insertAccount(app.harness, { platform: 'bluesky', handle: '@ada.bsky.social' });
    const at = new Date(Date.now() + 26 * 3_600_000);
    at.setUTCMinutes(0, 0, 0);
    // Created kept with Outbox so the engine does not try the (unreachable) instance meanwhile.
    const created = await engine<{ post: Post }>(app.harness, 'posts:create', {
      parts: [{ text: 'Held by the instance' }],
      targets: [{ accountId: mastodon, handOff: 'off' }, { accountId: bluesky }],
      schedule: { mode: 'at', at: at.toISOString() },
    });
    postId = created.post.id;
    // What the engine's hand-off records (issue 17's engine part, tested against the Mastodon fake):
    // the entry handed off with the platform's schedule id, and its attempt.
    const db = new Database(join(app.harness.dataDir, 'outbox.db'));
    const entry = db.prepare('SELECT id FROM entries WHERE post_id = ? AND account_id = ?').get(postId, mastodon) as { id: string };
    db.prepare("UPDATE entries SET status = 'handed_off', hand_off = 'auto', remote_id = '109876', remote_at = ?, remote_check_at = NULL, attempt_key = 'k1' WHERE id = ?").run(at.getTime(), entry.id);
    db.prepare("INSERT INTO attempts (entry_id, attempt_key, started_at, ended_at, outcome, message) VALUES (?, 'k1', ?, ?, 'handed_off', ?)").run(
      entry.id,
      Date.now(),
      Date.now(),
      `Handed to Mastodon (schedule 109876): goes out at ${at.toISOString()} even if this computer is off`,
    );
    db.close();
    await app.reload();
  });

  it('the account says who publishes its scheduled posts, and the switch reaches the engine', async () => {
    const { page, harness } = app;
    await go(page, 'Accounts');
    const toggle = page.getByRole('switch', { name: 'Let Mastodon publish my scheduled posts for @ada@mastodon.example' });
    expect(await toggle.isChecked()).toBe(true);
    await page.getByText(/are handed to Mastodon: they go out even if this computer is off/).waitFor();
    await bothThemes(app, 'accounts-hand-off');
    await toggle.uncheck();
    await expect.poll(async () => (await engine<Account[]>(harness, 'accounts:list')).find((a) => a.id === mastodon)?.handOff).toBe(false);
    await page.getByText('Outbox sends this account\'s posts itself: this computer must be on at their time.').waitFor();
    await toggle.check();
    await expect.poll(async () => (await engine<Account[]>(harness, 'accounts:list')).find((a) => a.id === mastodon)?.handOff).toBe(true);
    // Disconnecting says what stays on Mastodon (without the keys Outbox cannot cancel it there).
    await page.getByRole('button', { name: /^Disconnect .*@ada@mastodon\.example/ }).click();
    const ask = page.getByRole('alertdialog', { name: 'Disconnect this account?' });
    await ask.getByText(/Posts already handed to Mastodon stay scheduled there: to take them back first, turn off "Let Mastodon publish my scheduled posts"/).waitFor();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'hidden' });
    // Bluesky has no scheduler of its own: no such switch.
    expect(await page.getByRole('switch', { name: /Let Bluesky publish/ }).count()).toBe(0);
  });

  it('the calendar chip and the post say it goes out with the computer off; the attempt log has the schedule id', async () => {
    const { page } = app;
    await go(page, 'Calendar');
    await page.getByRole('button', { name: 'Today' }).click();
    await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'Month' }).click();
    const chip = page.getByRole('button', { name: /Held by the instance/ });
    if ((await chip.count()) === 0) await page.getByRole('button', { name: 'Next month' }).click();
    await chip.waitFor();
    expect(await chip.textContent()).toContain('Handed to Mastodon: goes out even if this computer is off (Bluesky needs it on)');
    await bothThemes(app, 'calendar-handed-off');
    await chip.click();
    const composer = page.getByRole('dialog', { name: 'Edit post' });
    await composer.locator('summary', { hasText: 'Mastodon' }).first().click();
    await composer.getByText('Handed to Mastodon: goes out even if this computer is off.').waitFor();
    await composer.getByText('Attempt log', { exact: false }).first().click();
    await composer.getByText(/Handed to Mastodon \(schedule 109876\)/).waitFor();
    const keep = composer.getByRole('switch', { name: 'Let Mastodon publish this post' });
    expect(await keep.isChecked()).toBe(true);
    await bothThemes(app, 'post-handed-off');
    // A thread cannot be held: the composer says why.
    await composer.getByRole('button', { name: 'Add to thread' }).click();
    await composer.getByRole('textbox', { name: 'Part 2 of 2' }).fill('and a reply');
    await composer.getByText('Mastodon cannot hold a thread (each reply needs the post before it), so Outbox sends it.').waitFor();
    await composer.getByRole('button', { name: 'Remove part 2' }).click();
    // Keeping this one post with Outbox is one switch, saved with the post.
    await keep.uncheck();
    await composer.getByText('Kept with Outbox: it goes out only if this computer is on at its time.').waitFor();
    await composer.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await engine<Post>(app.harness, 'posts:get', { id: postId })).entries.find((e) => e.platform === 'mastodon')?.handOff).toBe('off');
    // The composer has the saved post back (nothing left to ask about when it closes).
    await composer.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
  });

  it('the Posts list says it too', async () => {
    const { page } = app;
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Edit post' }).waitFor({ state: 'hidden' });
    await go(page, 'Posts');
    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByRole('listitem', { name: 'Held by the instance' }).waitFor();
  });
});
