import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises } from '../../../../src/main/core/ports/doubles';
import { RETRY_DELAYS_MS, verifyWebhookSignature, webhookSecretKey } from '../../../../src/main/core/webhooks/webhooks.service';
import type { WebhookDelivery } from '../../../../src/shared/ipc/webhooks';
import { makeTestCore, type TestCore } from '../../../support/core';
import { PublishingFixture, TestCredentials } from '../../../support/publishing-fixture';
import { ScriptedAdapter } from '../../../support/scripted-adapter';
import { value } from '../posts/helpers';

// Webhooks end to end over a real engine: events written by the migration's triggers with the
// change, delivered to a real HTTP receiver on 127.0.0.1, signed, retried, and durable across a
// restart. Time is the ManualClock's; only the HTTP round trips take real (milliseconds of) time.

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; created_at: string; data: Record<string, unknown> };
}

/** A webhook receiver that records what arrives and answers the statuses it is told to. */
class Receiver {
  readonly received: Received[] = [];
  /** Statuses to answer, in order; then 200. */
  answers: number[] = [];
  server!: Server;
  port = 0;
  async start(port = 0) {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body, json: JSON.parse(body) });
        res.writeHead(this.answers.shift() ?? 200).end('ok');
      });
    });
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', () => r()));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }
  get url() {
    return `http://127.0.0.1:${this.port}/hooks/outbox`;
  }
  byEvent(id: string) {
    return this.received.filter((r) => r.json.id === id);
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

let t: TestCore;
let fx: PublishingFixture;
let receiver: Receiver;
const adapter = new ScriptedAdapter('bluesky');
const credentials = new TestCredentials(() => fx);

beforeAll(async () => {
  receiver = await new Receiver().start();
});
afterAll(async () => receiver.stop());
beforeEach(async () => {
  receiver.received.length = 0;
  receiver.answers = [];
  t = await makeTestCore({ adapters: { bluesky: adapter }, credentials, drainTimeoutMs: 100 });
  fx = new PublishingFixture(t.dataDir);
});
afterEach(async () => {
  fx.close();
  await t.dispose();
});

/** Lets due timers fire and the HTTP round trips finish, until `done` holds (2 s at most of real time). */
async function until(done: () => boolean) {
  for (let i = 0; i < 400 && !done(); i++) {
    await t.clock.advance(0);
    await flushPromises(5);
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(done()).toBe(true);
}

async function deliveries(): Promise<WebhookDelivery[]> {
  return value(await t.core.invoke('webhooks:deliveries', { limit: 200 }));
}

/** Publishes a one-account post now through the engine; answers its id. */
async function publishSomething(text = 'hello webhooks'): Promise<string> {
  const account = fx.account('bluesky', 'me.bsky.social');
  const post = value(await t.core.invoke('posts:create', { parts: [{ text }], targets: [{ accountId: account }], schedule: { mode: 'now' } })).post;
  return post.id;
}

describe('webhooks: adding them', () => {
  it('https anywhere, or http to this computer; a secret answered once and kept in the keychain', async () => {
    const created = value(await t.core.invoke('webhooks:create', { url: 'https://hooks.example.com/outbox' }));
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.webhook).toMatchObject({ url: 'https://hooks.example.com/outbox', enabled: true, events: ['post.published', 'post.partially_published', 'post.failed', 'account.needs_reconnect'] });
    expect(await t.secrets.get(webhookSecretKey(created.webhook.id))).toBe(created.secret);
    expect(JSON.stringify(value(await t.core.invoke('webhooks:list')))).not.toContain(created.secret);
    expect(value(await t.core.invoke('webhooks:create', { url: 'http://localhost:9999/x' })).webhook.url).toBe('http://localhost:9999/x');
    for (const url of ['http://hooks.example.com/x', 'http://192.168.1.10/x', 'ftp://127.0.0.1/x', 'not a url', 'https://user:pw@example.com/']) {
      expect(await t.core.invoke('webhooks:create', { url }), url).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'url' }] } });
    }
    expect(await t.core.invoke('webhooks:create', { url: 'https://a.example', events: [] })).toMatchObject({ ok: false, error: { issues: [{ path: 'events' }] } });
  });

  it('rotating the secret answers a new one; deleting removes the webhook and its secret', async () => {
    const { webhook, secret } = value(await t.core.invoke('webhooks:create', { url: receiver.url }));
    const rotated = value(await t.core.invoke('webhooks:update', { id: webhook.id, rotateSecret: true }));
    expect(rotated.secret).not.toBe(secret);
    expect(await t.secrets.get(webhookSecretKey(webhook.id))).toBe(rotated.secret);
    value(await t.core.invoke('webhooks:delete', { id: webhook.id }));
    expect(await t.secrets.get(webhookSecretKey(webhook.id))).toBeNull();
    expect(value(await t.core.invoke('webhooks:list'))).toEqual([]);
    expect(await t.core.invoke('webhooks:delete', { id: webhook.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('webhooks: delivery', () => {
  it('a published post is delivered as signed JSON that the documented check verifies', async () => {
    const { webhook, secret } = value(await t.core.invoke('webhooks:create', { url: receiver.url }));
    const postId = await publishSomething();
    await until(() => receiver.received.length === 1);
    const got = receiver.received[0]!;
    expect(got.json).toMatchObject({ id: expect.stringMatching(/^evt_\d+$/), type: 'post.published', data: { post_id: postId, status: 'published', content: 'hello webhooks' } });
    expect(got.json.data['results']).toEqual([expect.objectContaining({ platform: 'bluesky', status: 'published', post_url: expect.any(String), error: null })]);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-outbox-event']).toBe('post.published');
    expect(got.headers['x-outbox-event-id']).toBe(got.json.id);
    const signature = String(got.headers['x-outbox-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, signature, got.body, t.clock.now())).toBe(true);
    // Tampered, wrong secret, or replayed later: refused.
    expect(verifyWebhookSignature(secret, signature, got.body.replace('hello', 'HELLO'), t.clock.now())).toBe(false);
    expect(verifyWebhookSignature('whsec_other', signature, got.body, t.clock.now())).toBe(false);
    expect(verifyWebhookSignature(secret, signature, got.body, t.clock.now() + 10 * 60_000)).toBe(false);
    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({ webhookId: webhook.id, event: 'post.published', subjectId: postId, status: 'delivered', attempts: 1, responseStatus: 200, error: null });
  });

  it('a failed post and a partly published one send their own events; only subscribed events go out', async () => {
    value(await t.core.invoke('webhooks:create', { url: receiver.url, events: ['post.failed'] }));
    adapter.script({ ok: true }, { fail: 'permanent', message: 'Rejected' });
    await publishSomething('first works');
    await publishSomething('second fails');
    await until(() => receiver.received.length === 1);
    await t.clock.advance(60_000);
    await flushPromises(10);
    expect(receiver.received.map((r) => r.json.type)).toEqual(['post.failed']);
    expect(receiver.received[0]!.json.data).toMatchObject({ status: 'failed', content: 'second fails' });
  });

  it('a receiver answering 500 gets the same event again after the backoff, then it is delivered', async () => {
    receiver.answers = [500];
    value(await t.core.invoke('webhooks:create', { url: receiver.url }));
    await publishSomething();
    await until(() => receiver.received.length === 1);
    let [delivery] = await deliveries();
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 500, error: expect.stringMatching(/HTTP 500/) });
    expect(Date.parse(delivery!.nextAttemptAt!) - t.clock.now()).toBe(RETRY_DELAYS_MS[0]);
    await t.clock.advance(RETRY_DELAYS_MS[0]! - 1);
    expect(receiver.received).toHaveLength(1);
    await t.clock.advance(1);
    await until(() => receiver.received.length === 2);
    expect(receiver.received[1]!.json.id).toBe(receiver.received[0]!.json.id);
    [delivery] = await deliveries();
    await until(() => delivery !== undefined);
    expect((await deliveries())[0]).toMatchObject({ status: 'delivered', attempts: 2, responseStatus: 200 });
  });

  it('after the last retry the delivery is failed for good and the log says why', async () => {
    receiver.answers = Array.from({ length: RETRY_DELAYS_MS.length + 1 }, () => 503);
    value(await t.core.invoke('webhooks:create', { url: receiver.url }));
    await publishSomething();
    for (let attempt = 1; attempt <= RETRY_DELAYS_MS.length + 1; attempt++) {
      await until(() => receiver.received.length === attempt);
      if (attempt <= RETRY_DELAYS_MS.length) await t.clock.advance(RETRY_DELAYS_MS[attempt - 1]!);
    }
    await until(() => true);
    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({ status: 'failed', attempts: RETRY_DELAYS_MS.length + 1, responseStatus: 503, nextAttemptAt: null });
  });

  it('an account that needs reconnecting sends account.needs_reconnect', async () => {
    value(await t.core.invoke('webhooks:create', { url: receiver.url, events: ['account.needs_reconnect'] }));
    credentials.refreshWorks = false;
    adapter.script({ fail: 'auth', message: 'expired token' });
    try {
      await publishSomething();
      await until(() => receiver.received.length === 1);
    } finally {
      credentials.refreshWorks = true;
    }
    expect(receiver.received[0]!.json).toMatchObject({ type: 'account.needs_reconnect', data: { platform: 'bluesky', handle: 'me.bsky.social', connection: 'token_expired' } });
  });

  it('a change that is rolled back leaves no event (the trigger writes inside the same transaction)', async () => {
    value(await t.core.invoke('webhooks:create', { url: receiver.url }));
    const account = fx.account('bluesky');
    const post = fx.post({ accountIds: [account], status: 'publishing' });
    const before = fx.db.prepare('SELECT count(*) AS n FROM webhook_events').get() as { n: number };
    expect(() =>
      fx.db.transaction(() => {
        fx.db.prepare("UPDATE posts SET status = 'published' WHERE id = ?").run(post);
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(fx.db.prepare('SELECT count(*) AS n FROM webhook_events').get()).toEqual(before);
    fx.db.prepare("UPDATE posts SET status = 'published' WHERE id = ?").run(post);
    fx.db.prepare("UPDATE posts SET status = 'published' WHERE id = ?").run(post);
    expect((fx.db.prepare('SELECT count(*) AS n FROM webhook_events').get() as { n: number }).n).toBe(before.n + 1);
  });

  it('"send test" delivers a webhook.test event to that webhook at once', async () => {
    const { webhook } = value(await t.core.invoke('webhooks:create', { url: receiver.url }));
    const delivery = value(await t.core.invoke('webhooks:test', { id: webhook.id }));
    expect(delivery).toMatchObject({ event: 'webhook.test', status: 'delivered', responseStatus: 200 });
    expect(receiver.received[0]!.json.type).toBe('webhook.test');
    value(await t.core.invoke('webhooks:update', { id: webhook.id, enabled: false }));
    expect(await t.core.invoke('webhooks:test', { id: webhook.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});

describe('webhooks: a durable queue', () => {
  it('survives a restart: nothing lost, and nothing answered 2xx is sent again', async () => {
    const { webhook } = value(await t.core.invoke('webhooks:create', { url: receiver.url }));
    // A: delivered before the restart.
    await publishSomething('event A');
    await until(() => receiver.received.length === 1);
    const eventA = receiver.received[0]!.json.id;
    // B: the receiver is down, so it waits for a retry.
    const down = new Receiver();
    await down.start();
    const downUrl = down.url;
    await down.stop();
    value(await t.core.invoke('webhooks:update', { id: webhook.id, url: downUrl }));
    await publishSomething('event B');
    await until(() => deliveriesSync().some((d) => d.attempts === 1 && d.status === 'pending'));
    // C: committed, but the engine closes before its timer ever fires.
    const account = fx.account('bluesky');
    const postC = fx.post({ accountIds: [account], status: 'publishing' });
    fx.db.prepare("UPDATE posts SET status = 'failed', updated_at = ? WHERE id = ?").run(t.clock.now(), postC);

    fx.close();
    await t.restart();
    fx = new PublishingFixture(t.dataDir);
    // The receiver is back where the webhook points.
    const back = await new Receiver().start(Number(new URL(downUrl).port));
    try {
      await t.clock.advance(RETRY_DELAYS_MS[0]!);
      await until(() => back.received.length === 2);
      await t.clock.advance(24 * 3_600_000);
      await flushPromises(10);
      const types = back.received.map((r) => r.json.data['content'] ?? r.json.type);
      expect(types.sort()).toEqual(['event B', 'hello']);
      expect(receiver.byEvent(eventA)).toHaveLength(1);
      expect(back.byEvent(eventA)).toHaveLength(0);
      expect(deliveriesSync().every((d) => d.status === 'delivered')).toBe(true);
    } finally {
      await back.stop();
    }
  });
});

/** The delivery rows, read straight from the database. */
function deliveriesSync() {
  return (fx.db.prepare('SELECT status, attempts FROM webhook_deliveries').all() as Array<{ status: string; attempts: number }>);
}
