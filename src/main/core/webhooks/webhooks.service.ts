import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Webhook, WebhookDelivery, WebhookEventType, WebhookWithSecret } from '../../../shared/ipc/webhooks';
import type { Db } from '../db/database';
import { parseJson } from '../db/json';
import { AppError, notFound } from '../errors';
import type { EventBus } from '../events';
import type { Clock, SecretStore, TimerHandle } from '../ports/ports';
import { createWebhooksRepo, toDelivery, type DeliveryRow } from './webhooks.repo';

/** Where a webhook's signing secret lives in the SecretStore. */
export const webhookSecretKey = (id: string) => `webhook:${id}:secret`;

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'x-outbox-signature';

/** Waits after the 1st, 2nd, ... failed attempt; after the last one the delivery is given up. */
export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000];
/** Longest a receiver may take to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Deliveries sent per turn of the timer (the rest follow at once). */
const BATCH = 20;

/** A new signing secret: 256 random bits, recognisable by its prefix. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The `X-Outbox-Signature` value for a body sent at `timestampSeconds`. */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/**
 * How a receiver checks a delivery: the HMAC of `"<t>.<raw body>"` with its secret must equal a
 * `v1` of the header (constant-time), and `t` must be within `toleranceSeconds` of now, so a
 * captured request cannot be replayed later. (Receivers also drop an `X-Outbox-Event-Id` they
 * have already seen, which covers a replay inside the window.)
 */
export function verifyWebhookSignature(secret: string, header: string | undefined, body: string, nowMs: number, toleranceSeconds = 300): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('=') as [string, string]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowMs / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  return parts.some(([k, v]) => k === 'v1' && v !== undefined && v.length === expected.length && timingSafeEqual(Buffer.from(v), expected));
}

/** What the webhooks service needs. */
export interface WebhooksServiceDeps {
  db: Db;
  clock: Clock;
  secrets: SecretStore;
  bus: EventBus;
  /** Where background failures are reported. */
  log?: (message: string, error: unknown) => void;
  /** App version, sent as the User-Agent. */
  version?: string;
}

/** The result of one HTTP attempt. */
interface AttemptResult {
  ok: boolean;
  responseStatus: number | null;
  error: string;
}

/** The JSON body of a delivery (its bytes are what is signed). */
function payloadOf(row: DeliveryRow): string {
  return JSON.stringify({ id: `evt_${row.event_id}`, type: row.type, created_at: new Date(row.event_created_at).toISOString(), data: parseJson<unknown>(row.data, {}) });
}

/**
 * Webhooks: the creator's URLs, their secrets (keychain), and delivery from the durable queue in
 * SQLite. Events come from triggers (0007-webhooks.sql); this service only sends what is due:
 * one timer armed for the next due delivery on the injected clock; every callback catches,
 * reports and re-arms; a delivery answered 2xx is marked delivered and never sent again.
 */
export function createWebhooksService(deps: WebhooksServiceDeps) {
  const repo = createWebhooksRepo(deps.db);
  const log = deps.log ?? ((message: string, error: unknown) => console.error(`[outbox webhooks] ${message}`, error));
  let timer: TimerHandle | null = null;
  let timerAt: number | null = null;
  let running: Promise<void> | null = null;
  let closed = false;
  const inFlight = new Map<number, { destroy(): void }>();
  const changed = (ids: string[]) => deps.bus.emit('webhooks:changed', { ids });

  function mustGet(id: string): Webhook {
    const webhook = repo.get(id);
    if (!webhook) throw notFound('Webhook', id);
    return webhook;
  }

  /** Arms the one timer for the next due delivery (or none). Never throws. */
  function arm() {
    if (closed) return;
    try {
      const at = repo.nextDue();
      if (at === null) {
        timer?.cancel();
        timer = null;
        timerAt = null;
        return;
      }
      if (timer && timerAt === at) return;
      timer?.cancel();
      timerAt = at;
      timer = deps.clock.setTimeout(() => {
        timer = null;
        timerAt = null;
        void run();
      }, Math.max(0, at - deps.clock.now()));
    } catch (error) {
      log('cannot arm the delivery timer', error);
    }
  }

  /** Sends every due delivery, then re-arms. One run at a time. */
  function run(): Promise<void> {
    if (running) return running;
    running = (async () => {
      try {
        for (;;) {
          if (closed) return;
          const due = repo.due(deps.clock.now(), BATCH);
          if (due.length === 0) break;
          await Promise.all(due.map((row) => deliver(row)));
          changed(due.map((d) => d.webhook_id));
        }
      } catch (error) {
        log('delivery run failed', error);
      } finally {
        running = null;
        arm();
      }
    })();
    return running;
  }

  async function deliver(row: DeliveryRow): Promise<void> {
    let result: AttemptResult;
    try {
      const secret = await deps.secrets.get(webhookSecretKey(row.webhook_id));
      result = secret === null ? { ok: false, responseStatus: null, error: 'The signing secret is missing from the keychain: rotate the secret' } : await send(row, secret);
    } catch (error) {
      result = { ok: false, responseStatus: null, error: error instanceof Error ? error.message : String(error) };
    }
    if (closed) return;
    const now = deps.clock.now();
    if (result.ok) {
      repo.markDelivered(row.id, result.responseStatus ?? 200, now);
      return;
    }
    const delay = RETRY_DELAYS_MS[row.attempts];
    repo.markAttemptFailed(row.id, result, delay === undefined ? null : now + delay, now);
  }

  /** One POST of the payload, signed now; 2xx is success, anything else (redirects included) is not. */
  function send(row: DeliveryRow, secret: string): Promise<AttemptResult> {
    const body = payloadOf(row);
    const timestamp = Math.floor(deps.clock.now() / 1000);
    const url = new URL(row.url);
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        timeout.cancel();
        inFlight.delete(row.id);
        resolve(result);
      };
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': `Outbox-Webhooks/${deps.version ?? 'dev'}`,
            [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
            'x-outbox-event': row.type,
            'x-outbox-event-id': `evt_${row.event_id}`,
            'x-outbox-delivery': String(row.id),
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          // Only the status matters; the body is read (and dropped) so the socket is released.
          res.resume();
          res.on('end', () => finish(status >= 200 && status < 300 ? { ok: true, responseStatus: status, error: '' } : { ok: false, responseStatus: status, error: `The receiver answered HTTP ${status}` }));
          res.on('error', (error) => finish({ ok: false, responseStatus: status, error: error.message }));
        },
      );
      const timeout = deps.clock.setTimeout(() => {
        req.destroy();
        finish({ ok: false, responseStatus: null, error: `No answer within ${DELIVERY_TIMEOUT_MS / 1000} s` });
      }, DELIVERY_TIMEOUT_MS);
      inFlight.set(row.id, req);
      req.on('error', (error) => finish({ ok: false, responseStatus: null, error: `Could not reach the receiver: ${(error as NodeJS.ErrnoException).code ?? error.message}` }));
      req.end(body);
    });
  }

  return {
    /** Arms the timer and re-arms whenever posts or accounts change (their triggers queue events). */
    start() {
      const offs = [deps.bus.on('posts:changed', arm), deps.bus.on('accounts:changed', arm)];
      arm();
      return () => offs.forEach((off) => off());
    },

    /** Sends what is due now (tests and "send test"). */
    runNow: () => run(),

    list: (): Webhook[] => repo.list(),

    async create(input: { url: string; events: WebhookEventType[]; description: string }): Promise<WebhookWithSecret> {
      const id = randomUUID();
      const secret = generateWebhookSecret();
      // The secret first: a webhook row without its secret would sign nothing.
      await deps.secrets.set(webhookSecretKey(id), secret);
      repo.insert({ id, url: input.url, events: [...new Set(input.events)], description: input.description }, deps.clock.now());
      changed([id]);
      return { webhook: mustGet(id), secret };
    },

    async update(input: { id: string; url?: string | undefined; events?: WebhookEventType[] | undefined; enabled?: boolean | undefined; description?: string | undefined; rotateSecret?: boolean | undefined }) {
      const current = mustGet(input.id);
      let secret: string | null = null;
      if (input.rotateSecret) {
        secret = generateWebhookSecret();
        await deps.secrets.set(webhookSecretKey(input.id), secret);
      }
      repo.update(
        {
          ...current,
          url: input.url ?? current.url,
          events: input.events ? [...new Set(input.events)] : current.events,
          enabled: input.enabled ?? current.enabled,
          description: input.description ?? current.description,
        },
        deps.clock.now(),
      );
      changed([input.id]);
      arm();
      return { webhook: mustGet(input.id), secret };
    },

    async delete(id: string): Promise<{ id: string }> {
      mustGet(id);
      // Its deliveries go with it; one in flight may still arrive, and finds nothing to record.
      repo.remove(id);
      await deps.secrets.delete(webhookSecretKey(id));
      changed([id]);
      arm();
      return { id };
    },

    deliveries(input: { webhookId?: string | undefined; limit: number } | undefined): WebhookDelivery[] {
      return repo.log(input?.webhookId ?? null, input?.limit ?? 50).map(toDelivery);
    },

    /** Queues a test event for one webhook, sends what is due, and answers the test's delivery. */
    async test(id: string): Promise<WebhookDelivery> {
      const webhook = mustGet(id);
      if (!webhook.enabled) throw new AppError('conflict', 'This webhook is turned off; turn it on to send a test');
      const deliveryId = repo.insertTest(id, { webhook_id: id, message: 'A test from Outbox: your endpoint receives and verifies webhooks.' }, deps.clock.now());
      changed([id]);
      // A run already under way may have read the due list before this delivery existed.
      for (let i = 0; i < 3 && repo.delivery(deliveryId)?.attempts === 0; i++) await run();
      const row = repo.delivery(deliveryId);
      if (!row) throw notFound('Webhook', id);
      return toDelivery(row);
    },

    /** Stops the timer and abandons requests in flight (they stay pending and go out after the restart). */
    close() {
      closed = true;
      timer?.cancel();
      timer = null;
      for (const req of inFlight.values()) req.destroy();
      inFlight.clear();
    },
  };
}

/** The webhooks service. */
export type WebhooksService = ReturnType<typeof createWebhooksService>;
