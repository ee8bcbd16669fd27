// The composer's X and LinkedIn options (issue 14), driven in Chromium through the real UI: X's
// who-can-reply, quote, Community and poll, and the line saying that posting to X spends the
// creator's X API credits; LinkedIn's visibility, feeds, resharing and article link; a PDF taken
// for LinkedIn only (refused for X by the platform's rules) with its title. Everything is checked
// where it lands: in the engine's entries.
import { describe, expect, it } from 'vitest';
import type { Media } from '../../src/shared/domain';
import { useApp } from './support/browser';
import { allPosts, engine, expectNoSeriousA11yViolations, insertAccount } from './support/app';

/** A one-page PDF (header, page, xref, trailer, %%EOF) as bytes. */
function pdfBytes(): number[] {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>'];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 4\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return [...Buffer.from(body, 'latin1')];
}

describe('X and LinkedIn in the composer', () => {
  const app = useApp();

  it('X options (who can reply, quote, poll) and LinkedIn options (visibility, feeds, resharing, article) are shown and saved; the X credits line is there', async () => {
    const { page, harness } = app;
    insertAccount(harness, { platform: 'x', handle: '@ada_x' });
    insertAccount(harness, { platform: 'linkedin', handle: 'Ada Lovelace' });
    insertAccount(harness, { platform: 'linkedin-page', handle: 'ada-studio', displayName: 'Ada Studio' });
    await app.reload();
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Studio open day on Saturday');
    // Posting to X costs the creator's API credits: said before anything is scheduled.
    await composer.getByRole('note').getByText(/Posting to X spends your X API credits/).waitFor();
    // Every active account is preselected: the Page stays with its defaults.
    expect(await composer.getByRole('button', { name: 'LinkedIn Page ada-studio', exact: true }).getAttribute('aria-pressed')).toBe('true');

    const x = composer.locator('details.platform-options', { hasText: '@ada_x' });
    await x.locator('summary').click();
    await x.getByLabel('Who can reply').selectOption('mentionedUsers');
    await x.getByLabel('Quote a post (link or number)').fill('https://x.com/ada_x/status/1234567890123');
    await x.getByRole('switch', { name: 'Add a poll' }).check();
    await x.getByRole('textbox', { name: 'Choice 1', exact: true }).fill('Morning');
    await x.getByRole('textbox', { name: 'Choice 2', exact: true }).fill('Afternoon');
    await x.getByRole('button', { name: 'Add a choice' }).click();
    await x.getByRole('textbox', { name: 'Choice 3', exact: true }).fill('Evening');
    const length = x.getByRole('group', { name: 'Poll length' });
    await length.getByLabel('Days').selectOption('2');
    await length.getByLabel('Hours').selectOption('3');
    // A poll and a quote cannot go together on X: the engine's check says so on the field.
    await x.getByText(/poll cannot be combined with a quoted post/).waitFor();
    await x.getByLabel('Quote a post (link or number)').fill('');
    await x.getByText(/poll cannot be combined with a quoted post/).waitFor({ state: 'detached' });

    const li = composer.locator('details.platform-options', { hasText: 'Ada Lovelace' });
    await li.locator('summary').click();
    await li.getByLabel('Who can see it').selectOption('connections');
    await li.getByLabel('Show in feeds').selectOption('none');
    await li.getByRole('switch', { name: 'Turn off resharing' }).check();
    await li.getByLabel('Article link').fill('https://ada.example/open-day');
    await li.getByText(/article title is needed with an article link/i).waitFor();
    await li.getByLabel('Article title').fill('Open day');
    await li.getByLabel('Article description').fill('Prints, tea and a tour');
    await expectNoSeriousA11yViolations(page, 'composer with X and LinkedIn options');
    await app.screenshot('composer-x-linkedin-options');

    await expect
      .poll(
        async () => {
          const post = (await allPosts(harness)).find((p) => p.parts[0]!.text === 'Studio open day on Saturday');
          return Object.fromEntries((post?.entries ?? []).map((e) => [e.platform, e.settings]));
        },
        { timeout: 5000 },
      )
      .toEqual({
        x: { replySettings: 'mentionedUsers', poll: { options: ['Morning', 'Afternoon', 'Evening'], durationMinutes: 2 * 1440 + 180 } },
        linkedin: { visibility: 'connections', feedDistribution: 'none', disableReshares: true, articleUrl: 'https://ada.example/open-day', articleTitle: 'Open day', articleDescription: 'Prints, tea and a tour' },
        'linkedin-page': {},
      });
    await composer.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('alertdialog', { name: 'Keep this post as a draft?' }).getByRole('button', { name: 'Keep as draft' }).click();
  });

  it('a PDF is accepted for LinkedIn only: X refuses it by its rules, LinkedIn asks for its title, then the post can be scheduled', async () => {
    const { page, harness } = app;
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Our price list, as a carousel');
    // The file picker takes PDFs beside images and videos.
    expect(await composer.getByLabel('Choose media files for the post').getAttribute('accept')).toContain('application/pdf');
    await composer.getByRole('textbox', { name: 'Post text' }).evaluate((el, bytes) => {
      const g = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: unknown[], name: string, opts: object) => unknown; DragEvent: new (type: string, init: object) => unknown };
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([new Uint8Array(bytes)], 'prices.pdf', { type: 'application/pdf' }));
      const part = (el as unknown as { closest(s: string): { dispatchEvent(e: unknown): void } }).closest('.part');
      part.dispatchEvent(new g.DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      part.dispatchEvent(new g.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, pdfBytes());
    const media = composer.getByRole('list', { name: 'Media of the post' });
    await media.getByText(/^PDF ·/).waitFor();
    await media.getByRole('button', { name: 'Remove Document 1' }).waitFor();
    // A PDF has no alt text field; it says where its title goes.
    expect(await composer.getByLabel('Alt text for Document 1').count()).toBe(0);
    await composer.getByText(/X: a post here cannot include a document \(PDF\)/).first().waitFor();
    const li = composer.locator('details.platform-options', { hasText: 'Ada Lovelace' });
    await li.getByText(/a document \(PDF\) needs a title/).waitFor();

    await composer.getByRole('button', { name: 'X @ada_x', exact: true }).click();
    await composer.getByRole('button', { name: 'LinkedIn Page ada-studio', exact: true }).click();
    await composer.getByText(/X: a post here cannot include a document/).first().waitFor({ state: 'detached' });
    await li.getByLabel('Document (PDF) title').fill('Price list 2026');
    await li.getByText(/needs a title/).waitFor({ state: 'detached' });
    await composer.getByLabel('Date').fill(new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10));
    await composer.getByLabel('Time').fill('09:30');
    const schedule = composer.getByRole('button', { name: 'Schedule', exact: true });
    await expect.poll(() => schedule.isDisabled(), { timeout: 5000 }).toBe(false);
    await schedule.click();
    await composer.waitFor({ state: 'detached' });
    const post = (await allPosts(harness)).find((p) => p.parts[0]!.text === 'Our price list, as a carousel')!;
    expect(post.status).toBe('scheduled');
    expect(post.entries.map((e) => [e.platform, e.settings['documentTitle'] ?? null])).toEqual([['linkedin', 'Price list 2026']]);
    const doc = await engine<Media>(harness, 'media:get', { id: post.parts[0]!.media[0]!.mediaId });
    expect(doc).toMatchObject({ kind: 'document', mime: 'application/pdf' });
  });
});
