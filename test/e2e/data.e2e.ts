// Issue 19 in the browser: Settings → Backups lists backups and restores one (with a
// confirmation), Import previews a CSV (each bad row named with its field), lets the creator fix
// a row, and commits; Export writes a file and says where.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useApp } from './support/browser';
import { allPosts, engine, expectNoSeriousA11yViolations, go, insertAccount } from './support/app';

describe('your data: backups, import, export', () => {
  const app = useApp();

  it('Settings → Backups: back up now, then restore that backup after changes', async () => {
    const { page, harness } = app;
    await engine(harness, 'settings:update', { timeZone: 'UTC' });
    for (const text of ['Kept in the backup', 'Also kept']) await engine(harness, 'posts:create', { parts: [{ text }], targets: [], schedule: { mode: 'draft' } });
    await go(page, 'Settings');
    const backups = page.getByRole('region', { name: 'Backups' });
    await backups.getByRole('button', { name: 'Back up now' }).click();
    await backups.getByRole('status').getByText('Backed up: 2 posts.').waitFor();
    const restore = backups.getByRole('button', { name: /^Restore the backup from / });
    await expect.poll(() => restore.count()).toBe(1);
    await expectNoSeriousA11yViolations(page, 'settings backups');

    await engine(harness, 'posts:create', { parts: [{ text: 'Written after the backup' }], targets: [], schedule: { mode: 'draft' } });
    expect((await allPosts(harness)).length).toBe(3);
    await restore.click();
    const confirm = page.getByRole('alertdialog', { name: 'Restore this backup?' });
    await confirm.getByText(/first backs up what you have now/).waitFor();
    await confirm.getByRole('button', { name: 'Restore' }).click();
    await backups.getByRole('status').getByText(/Restored the backup from .*: 2 posts\. What you had before is kept/).waitFor();
    expect((await allPosts(harness)).map((p) => p.parts[0]!.text).sort()).toEqual(['Also kept', 'Kept in the backup']);
    // The state before the restore is listed as a backup of its own.
    await backups.getByRole('cell', { name: 'Before a restore' }).waitFor();
    await app.screenshot('settings-backups');
    // The app still works on the restarted engine.
    await go(page, 'Posts');
    // Drafts have their own tab (Posts opens on Upcoming).
    await page.getByRole('tab', { name: 'Drafts' }).click();
    await page.getByRole('listitem', { name: 'Also kept' }).waitFor();
  });

  it('Import: previews a CSV, names the bad row and field, fixes it, and commits', async () => {
    const { page, harness } = app;
    insertAccount(harness, { platform: 'bluesky', handle: 'maker.bsky.social' });
    await app.reload();
    const before = (await allPosts(harness)).length;
    await go(page, 'Settings');
    await page.getByRole('button', { name: 'Import posts…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import posts' });
    expect(await dialog.getByRole('link', { name: 'Download the template CSV' }).getAttribute('download')).toBe('outbox-import-template.csv');
    const csv = [
      'date,time,time_zone,text,accounts,labels',
      '2031-05-01,09:00,UTC,First imported post,@maker.bsky.social,imported',
      '2031-05-02,09:30,UTC,Second imported post,@maker.bsky.social,imported',
      '2020-01-01,09:00,UTC,Third one (its date has passed),@maker.bsky.social,imported',
    ].join('\n');
    await dialog.locator('input[type=file]').setInputFiles({ name: 'posts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dialog.getByRole('status').getByText('3 rows checked: 2 posts ready, 1 with problems, 0 skipped.', { exact: false }).waitFor();
    const row = dialog.getByRole('row').filter({ hasText: 'Third one' });
    const problem = row.getByRole('listitem').filter({ hasText: 'is in the past' });
    await problem.waitFor();
    // The row and the field are named.
    expect(await problem.textContent()).toMatch(/^date: 2020-01-01 09:00 \(UTC\) is in the past/);
    expect(await row.getByRole('cell').first().textContent()).toBe('4');
    expect(await dialog.getByRole('button', { name: 'Import 2 posts' }).isDisabled()).toBe(true);
    await expectNoSeriousA11yViolations(page, 'import preview');
    await app.screenshot('import-preview');

    await dialog.getByRole('button', { name: 'Fix row 4' }).click();
    await dialog.getByRole('textbox', { name: 'Row 4 date' }).fill('2031-05-03');
    await dialog.getByRole('button', { name: 'Check again' }).click();
    await dialog.getByRole('status').getByText('3 rows checked: 3 posts ready, 0 with problems', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Import 3 posts' }).click();
    await dialog.getByText('✓ Imported 3 posts. New labels: imported.').waitFor();
    const posts = await allPosts(harness);
    expect(posts.length).toBe(before + 3);
    expect(posts.filter((p) => p.parts[0]!.text === 'Third one (its date has passed)').map((p) => p.scheduledAt)).toEqual(['2031-05-03T09:00:00.000Z']);
    await dialog.getByRole('button', { name: 'Close' }).first().click();
  });

  it('Import: a skipped row is left out', async () => {
    const { page, harness } = app;
    const before = (await allPosts(harness)).length;
    await page.getByRole('button', { name: 'Import posts…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import posts' });
    const csv = 'text,status,date,time\nKeep this draft,draft,,\nNot this one,sometimes,,\n';
    await dialog.locator('input[type=file]').setInputFiles({ name: 'drafts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dialog.getByRole('row').filter({ hasText: 'Not this one' }).getByText(/is not a status/).waitFor();
    await dialog.getByRole('button', { name: 'Skip row 3' }).click();
    await dialog.getByRole('status').getByText('2 rows checked: 1 post ready, 0 with problems, 1 skipped.', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Import 1 post' }).click();
    await dialog.getByText('✓ Imported 1 post.').waitFor();
    expect((await allPosts(harness)).length).toBe(before + 1);
    await dialog.getByRole('button', { name: 'Close' }).first().click();
  });

  it('Export: writes a CSV and says where', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Export posts…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export posts' });
    await dialog.getByRole('radio', { name: 'CSV' }).check();
    await dialog.getByRole('button', { name: 'Export' }).click();
    const status = dialog.getByRole('status');
    await status.getByText(/^✓ Exported \d+ posts/).waitFor();
    const path = /to (\/.*\.csv)$/.exec((await status.textContent()) ?? '')?.[1];
    expect(path && existsSync(path)).toBe(true);
    await dialog.getByRole('button', { name: 'Close' }).first().click();
  });
});
