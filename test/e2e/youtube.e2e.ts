import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Post } from '../../src/shared/domain';
import { makeVideo } from '../support/videos';
import { useApp } from './support/browser';
import { allPosts, dateInZone, engine, expectNoSeriousA11yViolations, insertAccount } from './support/app';

// The composer for YouTube: its own settings (a "made for kids" answer the creator must give, the
// licence in words) and the daily quota as a heads-up that does not stop scheduling.
describe('composer: YouTube', () => {
  const app = useApp();
  const dir = mkdtempSync(join(tmpdir(), 'outbox-e2e-youtube-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the seventh video of a day shows a quota heads-up, and the post can still be scheduled with its YouTube settings', async () => {
    const { page, harness } = app;
    await engine(harness, 'settings:update', { timeZone: 'UTC' });
    const account = insertAccount(harness, { platform: 'youtube', handle: '@inkandpaper' });
    // Uploaded by Outbox at their time (with YouTube's scheduler they would all be uploaded today).
    await engine(harness, 'accounts:setHandOff', { id: account, handOff: false });
    const clip = await makeVideo(join(dir, 'clip.mp4'), { container: 'mp4', seconds: 1, width: 160, height: 90, fps: 10 });
    const media = await engine<{ id: string }>(harness, 'media:import', { path: clip });
    const day = dateInZone('UTC', 3);
    for (let i = 1; i <= 6; i++) {
      await engine(harness, 'posts:create', {
        parts: [{ text: `Ink test ${i}`, media: [{ mediaId: media.id, altText: '' }] }],
        targets: [{ accountId: account, settings: { title: `Ink test ${i}`, madeForKids: false } }],
        schedule: { mode: 'at', at: `${day}T18:00:00.000Z` },
      });
    }
    await app.reload();

    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Seventh ink test');
    // The video, dropped on the part (media:importData).
    const bytes = [...readFileSync(clip)];
    await composer.getByRole('textbox', { name: 'Post text' }).evaluate((el, data) => {
      const g = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: unknown[], name: string, opts: object) => unknown; DragEvent: new (type: string, init: object) => unknown };
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([new Uint8Array(data)], 'ink.mp4', { type: 'video/mp4' }));
      const part = (el as unknown as { closest(s: string): { dispatchEvent(e: unknown): void } }).closest('.part');
      part.dispatchEvent(new g.DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      part.dispatchEvent(new g.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, bytes);

    const options = composer.locator('details.platform-options', { hasText: '@inkandpaper' });
    if ((await options.getAttribute('open')) === null) await options.locator('summary').click();
    await options.getByLabel('Title').fill('Seventh ink test');
    // "Made for kids" has no default: a question with two answers, neither chosen.
    const kids = options.getByRole('group', { name: /Made for kids/ });
    expect(await kids.getByRole('radio', { name: 'No' }).isChecked()).toBe(false);
    expect(await kids.getByRole('radio', { name: 'Yes' }).isChecked()).toBe(false);
    await kids.getByRole('radio', { name: 'No' }).check();
    await options.getByLabel('Licence').selectOption({ label: 'Creative Commons (attribution)' });
    await composer.getByLabel('Date').fill(day);
    await composer.getByLabel('Time').fill('19:00');

    // The heads-up: YouTube's quota for that day, in the YouTube section, as a note.
    const note = options.getByRole('note').filter({ hasText: 'video uploads are planned' });
    await note.waitFor({ timeout: 10_000 });
    expect(await note.textContent()).toMatch(/7 video uploads are planned for .* \(Pacific Time\).*leaves room for 6/);
    await options.getByText('Heads-up').waitFor();
    await expectNoSeriousA11yViolations(page, 'the composer with a YouTube quota heads-up');

    // Not a refusal: it schedules.
    const schedule = composer.getByRole('button', { name: 'Schedule', exact: true });
    await expect.poll(() => schedule.isDisabled(), { timeout: 5000 }).toBe(false);
    await schedule.click();
    await composer.waitFor({ state: 'detached' });
    let seventh: Post | undefined;
    await expect
      .poll(async () => {
        seventh = (await allPosts(harness)).find((p) => p.parts[0]!.text === 'Seventh ink test');
        return seventh?.status;
      }, { timeout: 5000 })
      .toBe('scheduled');
    expect(seventh!.scheduledAt).toBe(`${day}T19:00:00.000Z`);
    expect(seventh!.entries[0]!.settings).toMatchObject({ title: 'Seventh ink test', madeForKids: false, license: 'creativeCommon' });
  });
});
