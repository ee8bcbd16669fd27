import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/main/core/webhooks/webhooks.service';
import { expectNoSeriousA11yViolations, go } from './support/app';
import { useApp } from './support/browser';

describe('webhooks in Settings', () => {
  const app = useApp();
  const received: Array<{ body: string; signature: string }> = [];
  let receiver: Server;
  let url: string;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-outbox-signature']) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const address = receiver.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks/outbox`;
  });
  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('adds a webhook, shows its secret once, sends a test and shows the delivery in the log', async () => {
    const { page } = app;
    await go(page, 'Settings');
    const section = page.getByRole('region', { name: 'Webhooks' });
    await section.getByRole('textbox', { name: 'Webhook URL' }).fill('http://example.com/not-https');
    await section.getByRole('button', { name: 'Add webhook' }).click();
    await section.getByRole('alert').getByText(/must start with https:\/\//).waitFor();

    await section.getByRole('textbox', { name: 'Webhook URL' }).fill(url);
    await section.getByRole('checkbox', { name: 'Account needs reconnecting' }).uncheck();
    await section.getByRole('button', { name: 'Add webhook' }).click();
    const secretBox = section.getByRole('textbox', { name: /Signing secret for/ });
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^whsec_/);
    const item = section.getByRole('listitem', { name: url });
    await item.getByText('On · Post published, Post partly published, Post failed').waitFor();

    await item.getByRole('button', { name: `Send test to ${url}` }).click();
    const log = section.getByRole('table', { name: 'Delivery log' });
    await log.getByRole('row').filter({ hasText: 'Test' }).getByText('✓ Delivered (HTTP 204)').waitFor();
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body).type).toBe('webhook.test');
    expect(verifyWebhookSignature(secret, received[0]!.signature, received[0]!.body, Date.now())).toBe(true);
    await app.screenshot('webhook-settings');
    await expectNoSeriousA11yViolations(page, 'Settings with a webhook');

    // Turned off, it cannot be tested; the switch says so in words.
    await item.getByRole('switch', { name: url }).click();
    await item.getByText(/^Off ·/).waitFor();
    expect(await item.getByRole('button', { name: `Send test to ${url}` }).isDisabled()).toBe(true);
  });
});
