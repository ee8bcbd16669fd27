// Settings -> Media hosting in Chromium against the browser harness and a real S3-compatible
// peer (@20minutes/s3rver on 127.0.0.1): a wrong field is named, the Test button says which step
// failed and passes once the keys are right, saving keeps the keys out of every message the page
// receives (they are never shown back), and removing asks first.
import S3rver from '@20minutes/s3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/core';
import { useApp } from './support/browser';
import { engine, expectNoSeriousA11yViolations, go } from './support/app';

const store = tempDir('outbox-e2e-s3rver-');
let server: S3rver;
let endpoint: string;

beforeAll(async () => {
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: store.dir, configureBuckets: [{ name: 'creator-media' }] });
  endpoint = `http://127.0.0.1:${(await server.run()).port}`;
});
afterAll(async () => {
  await server?.close();
  store.remove();
});

describe('Settings -> Media hosting', () => {
  const app = useApp();

  it('test, save and remove a bucket; the keys never come back to the page', async () => {
    const { page, harness } = app;
    // Everything the engine sends the page, from the first load on.
    const received: string[] = [];
    page.on('websocket', (socket) => socket.on('framereceived', (frame) => received.push(String(frame.payload))));
    await app.reload();
    await go(page, 'Settings');
    const section = page.getByRole('region', { name: 'Media hosting' });
    await section.getByText('Not set up: Instagram, Threads and TikTok photo posts cannot be scheduled until it is.').waitFor();
    await section.getByRole('textbox', { name: 'Endpoint' }).fill('not an address');
    await section.getByRole('textbox', { name: 'Region' }).fill('us-east-1');
    await section.getByRole('textbox', { name: 'Bucket' }).fill('creator-media');
    await section.getByRole('button', { name: 'Save' }).click();
    // The wrong field is named; nothing is saved.
    await section.getByText(/endpoint must be the bucket service's address/).waitFor();
    expect(await section.getByRole('textbox', { name: 'Endpoint' }).getAttribute('aria-invalid')).toBe('true');

    await section.getByRole('textbox', { name: 'Endpoint' }).fill(endpoint);
    await section.getByRole('switch', { name: 'Bucket in the path' }).check();
    await section.getByRole('textbox', { name: 'Access key ID' }).fill('S3RVER');
    await section.getByLabel('Secret access key').fill('not-the-secret');
    await section.getByRole('button', { name: 'Test' }).click();
    await section.getByText('Test failed at “Signing in with the keys”: The secret access key does not match the access key id: paste it again').waitFor();

    await section.getByLabel('Secret access key').fill('S3RVER');
    await section.getByRole('button', { name: 'Test' }).click();
    await section.getByText(/Test passed: Outbox can upload to creator-media, share presigned links and delete what it put there/).waitFor();
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText(`Set up: creator-media at ${endpoint}, under outbox/`).waitFor();
    // The keys are not shown back: the fields are empty, saying they are kept.
    expect(await section.getByLabel('Secret access key').inputValue()).toBe('');
    expect(await section.getByRole('textbox', { name: 'Access key ID' }).inputValue()).toBe('');
    await section.getByText('Saved in your keychain. Leave empty to keep it.').first().waitFor();
    // Testing the saved bucket with the key fields empty uses the stored keys.
    await section.getByRole('button', { name: 'Test' }).click();
    await section.getByText(/Test passed/).waitFor();
    await app.screenshot('settings-media-hosting');
    await expectNoSeriousA11yViolations(page, 'Settings with media hosting');
    // Keyboard: from the secret, Tab reaches Save, then Test.
    await section.getByLabel('Secret access key').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent)).toBe('Save');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent)).toBe('Test');

    // Nothing the page received carries a key (s3rver's key id and secret are both S3RVER).
    expect(received.length).toBeGreaterThan(5);
    expect(received.filter((m) => m.includes('S3RVER'))).toEqual([]);
    expect(await engine(harness, 'hosting:get')).toMatchObject({ configured: true, accessKeyIdSet: true, secretSet: true });

    await section.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('alertdialog', { name: 'Remove media hosting?' }).getByRole('button', { name: 'Remove' }).click();
    await section.getByText(/Not set up:/).waitFor();
    expect(await engine(harness, 'hosting:get')).toMatchObject({ configured: false, accessKeyIdSet: false, secretSet: false });
  });
});
