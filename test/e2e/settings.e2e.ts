import { describe, expect, it } from 'vitest';
import { useApp } from './support/browser';

describe('settings', () => {
  const app = useApp();

  it('loads the app frame with its sidebar', async () => {
    const { page } = app;
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Calendar', 'Posts', 'Accounts', 'Settings']) {
      await nav.getByRole('button', { name }).waitFor();
    }
  });

  it('changes the time zone and the pause switch, and both persist after a reload', async () => {
    const { page } = app;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('combobox', { name: 'Time zone' }).selectOption('Asia/Tokyo');
    await page.getByRole('status').getByText('Saved').waitFor();
    await page.getByRole('switch', { name: 'Pause publishing' }).check();
    await page.getByText('Paused: nothing is sent until you resume.').waitFor();
    await app.screenshot('settings-time-zone');

    expect(await app.harness.core.invoke('settings:get')).toMatchObject({ ok: true, value: { timeZone: 'Asia/Tokyo', publishingPaused: true } });

    await app.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    expect(await page.getByRole('combobox', { name: 'Time zone' }).inputValue()).toBe('Asia/Tokyo');
    expect(await page.getByRole('switch', { name: 'Pause publishing' }).isChecked()).toBe(true);
  });

  it('shows a change made elsewhere (settings:changed reaches the page)', async () => {
    const { page } = app;
    await app.harness.core.invoke('settings:update', { publishingPaused: false });
    await page.getByText('Publishing is on.').waitFor();
  });
});
