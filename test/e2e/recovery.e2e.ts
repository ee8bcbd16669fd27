// Issue 19 in the browser: the harness started on a folder whose database was damaged shows the
// recovery screen (not an empty app, not a crash); restoring the backup from it opens the app
// with the posts back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTestCore } from '../support/core';
import { scribble } from '../main/core/backups/helpers';
import { useApp } from './support/browser';
import { allPosts, expectNoSeriousA11yViolations, go } from './support/app';

const dataDir = mkdtempSync(join(tmpdir(), 'outbox-recovery-e2e-'));

// Runs before the harness starts (hooks run in the order they are registered).
beforeAll(async () => {
  const t = await makeTestCore({ dataDir });
  for (let i = 0; i < 12; i++) await t.core.invoke('posts:create', { parts: [{ text: `Saved draft ${i + 1}`, media: [] }], targets: [], schedule: { mode: 'draft' } });
  await t.core.invoke('backups:create');
  await t.core.close();
  // The disk damages the file's header.
  scribble(join(dataDir, 'outbox.db'), 0, Buffer.alloc(100, 0x5a));
});

describe('the recovery screen', () => {
  const app = useApp({ dataDir });

  it('shows what happened and the backups, and restoring one opens the app with the posts back', async () => {
    const { page, harness } = app;
    expect(harness.core.mode).toBe('recovery');
    await page.getByRole('heading', { name: 'Outbox needs your help to start' }).waitFor();
    await page.getByText(/database is damaged, so Outbox did not start on it/).waitFor();
    await page.getByText(/The damaged file is kept at/).waitFor();
    await page.getByRole('cell', { name: '12 posts' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'recovery screen');
    await app.screenshot('recovery-screen');

    await page.getByRole('button', { name: /^Restore the backup from / }).click();
    await page.getByRole('alertdialog', { name: 'Restore this backup?' }).getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(harness.core.mode).toBe('running');
    expect((await allPosts(harness)).length).toBe(12);
    await go(page, 'Posts');
    // Drafts have their own tab (Posts opens on Upcoming).
    await page.getByRole('tab', { name: 'Drafts' }).click();
    await page.getByRole('listitem', { name: 'Saved draft 12' }).waitFor();
  });
});
