import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../support/api-fixture';
import { useApp } from './support/browser';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const address = probe.address();
  await new Promise<void>((r) => probe.close(() => r()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('automation API settings', () => {
  const app = useApp();

  it('turns the API on, shows a new token once, and the token works until it is regenerated', async () => {
    const { page, harness } = app;
    const port = await freePort();
    await harness.core.invoke('settings:update', { apiPort: port });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'Automation API' });
    const toggle = section.getByRole('switch', { name: 'Automation API' });
    expect(await toggle.isChecked()).toBe(false);
    await section.getByText('Off. Scripts on this computer cannot reach Outbox.').waitFor();

    // The switch follows the engine (api:status), so it flips after the answer: click, then wait for it.
    await toggle.click();
    await section.getByText(`Running at http://127.0.0.1:${port}/v1 (this computer only).`).waitFor();

    await section.getByRole('button', { name: 'Generate token' }).click();
    const tokenBox = section.getByRole('textbox', { name: /New token/ });
    await tokenBox.waitFor();
    const token = await tokenBox.inputValue();
    expect(token).toMatch(/^obx_/);
    await app.screenshot('api-settings');
    const call = (bearer: string) => rawRequest(port, { path: '/v1/posts', headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${bearer}` } });
    expect((await call(token)).status).toBe(200);

    page.once('dialog', (dialog) => void dialog.accept());
    await section.getByRole('button', { name: 'Regenerate token' }).click();
    await expect.poll(() => tokenBox.inputValue()).not.toBe(token);
    const next = await tokenBox.inputValue();
    expect((await call(token)).status).toBe(401);
    expect((await call(next)).status).toBe(200);

    // Gone after leaving the view: it is shown once.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Calendar' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    await section.getByRole('button', { name: 'Regenerate token' }).waitFor();
    expect(await section.getByRole('textbox', { name: /New token/ }).count()).toBe(0);

    await toggle.click();
    await section.getByText('Off. Scripts on this computer cannot reach Outbox.').waitFor();
    await expect(call(next)).rejects.toThrow();
  });
});
