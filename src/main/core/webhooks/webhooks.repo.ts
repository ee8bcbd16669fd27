import type { Webhook, WebhookDelivery, WebhookEventType } from '../../../shared/ipc/webhooks';
import type { Db } from '../db/database';
import { parseJson } from '../db/json';

/** A `webhooks` row. */
interface WebhookRow {
  id: string;
  url: string;
  events: string;
  enabled: number;
  description: string;
  created_at: number;
  updated_at: number;
}

/** A delivery joined with its event and webhook, as the sender and the log need it. */
export interface DeliveryRow {
  id: number;
  event_id: number;
  webhook_id: string;
  status: WebhookDelivery['status'];
  attempts: number;
  next_attempt_at: number | null;
  last_attempt_at: number | null;
  response_status: number | null;
  error: string | null;
  created_at: number;
  delivered_at: number | null;
  type: WebhookDelivery['event'];
  subject_id: string;
  data: string;
  event_created_at: number;
  url: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: parseJson<WebhookEventType[]>(row.events, []),
    enabled: row.enabled === 1,
    description: row.description,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** The contract's view of a delivery. */
export function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    url: row.url,
    eventId: `evt_${row.event_id}`,
    event: row.type,
    subjectId: row.subject_id,
    status: row.status,
    attempts: row.attempts,
    responseStatus: row.response_status,
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    deliveredAt: iso(row.delivered_at),
  };
}

const DELIVERY_SELECT = `SELECT d.*, e.type, e.subject_id, e.data, e.created_at AS event_created_at, w.url
  FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id`;

/** SQL for webhooks, their events (written by triggers, see 0007-webhooks.sql) and deliveries. */
export function createWebhooksRepo(db: Db) {
  const s = {
    list: db.prepare('SELECT * FROM webhooks ORDER BY created_at, id'),
    get: db.prepare('SELECT * FROM webhooks WHERE id = @id'),
    insert: db.prepare(
      `INSERT INTO webhooks (id, url, events, enabled, description, created_at, updated_at)
       VALUES (@id, @url, @events, 1, @description, @now, @now)`,
    ),
    update: db.prepare('UPDATE webhooks SET url = @url, events = @events, enabled = @enabled, description = @description, updated_at = @now WHERE id = @id'),
    remove: db.prepare('DELETE FROM webhooks WHERE id = @id'),
    // A webhook that is turned off or loses an event type stops receiving what is still queued for it.
    dropUnwanted: db.prepare(
      `UPDATE webhook_deliveries SET status = 'failed', error = 'Cancelled: the webhook was turned off or no longer takes this event', next_attempt_at = NULL
       WHERE webhook_id = @id AND status = 'pending' AND (
         (SELECT enabled FROM webhooks WHERE id = @id) = 0
         OR event_id IN (SELECT ev.id FROM webhook_events ev WHERE ev.type != 'webhook.test' AND NOT EXISTS (SELECT 1 FROM json_each((SELECT events FROM webhooks WHERE id = @id)) WHERE value = ev.type))
       )`,
    ),
    insertEvent: db.prepare('INSERT INTO webhook_events (type, subject_id, data, created_at) VALUES (@type, @subjectId, @data, @now)'),
    insertDelivery: db.prepare(
      `INSERT INTO webhook_deliveries (event_id, webhook_id, status, attempts, next_attempt_at, created_at)
       VALUES (@eventId, @webhookId, 'pending', 0, @now, @now)`,
    ),
    delivery: db.prepare(`${DELIVERY_SELECT} WHERE d.id = @id`),
    due: db.prepare(`${DELIVERY_SELECT} WHERE d.status = 'pending' AND d.next_attempt_at <= @now ORDER BY d.next_attempt_at, d.id LIMIT @limit`),
    nextDue: db.prepare("SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'pending'"),
    log: db.prepare(`${DELIVERY_SELECT} WHERE (@webhookId IS NULL OR d.webhook_id = @webhookId) ORDER BY d.id DESC LIMIT @limit`),
    delivered: db.prepare(
      "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_attempt_at = @now, delivered_at = @now, response_status = @responseStatus, error = NULL, next_attempt_at = NULL WHERE id = @id AND status = 'pending'",
    ),
    retry: db.prepare(
      'UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = @now, response_status = @responseStatus, error = @error, next_attempt_at = @nextAt, status = @status WHERE id = @id AND status = \'pending\'',
    ),
  };
  const updateTx = db.transaction((w: Webhook, now: number) => {
    s.update.run({ id: w.id, url: w.url, events: JSON.stringify(w.events), enabled: w.enabled ? 1 : 0, description: w.description, now });
    s.dropUnwanted.run({ id: w.id });
  });
  const insertTestTx = db.transaction((webhookId: string, data: unknown, now: number): number => {
    const event = s.insertEvent.run({ type: 'webhook.test', subjectId: webhookId, data: JSON.stringify(data), now });
    return Number(s.insertDelivery.run({ eventId: event.lastInsertRowid, webhookId, now }).lastInsertRowid);
  });
  return {
    list: () => (s.list.all() as WebhookRow[]).map(toWebhook),
    get: (id: string): Webhook | null => {
      const row = s.get.get({ id }) as WebhookRow | undefined;
      return row ? toWebhook(row) : null;
    },
    insert: (w: { id: string; url: string; events: string[]; description: string }, now: number) =>
      s.insert.run({ id: w.id, url: w.url, events: JSON.stringify(w.events), description: w.description, now }),
    update: (w: Webhook, now: number): void => updateTx(w, now),
    remove: (id: string) => s.remove.run({ id }).changes > 0,
    /** A test event for one webhook, with its delivery; answers the delivery id. */
    insertTest: (webhookId: string, data: unknown, now: number): number => insertTestTx(webhookId, data, now),
    delivery: (id: number) => s.delivery.get({ id }) as DeliveryRow | undefined,
    due: (now: number, limit: number) => s.due.all({ now, limit }) as DeliveryRow[],
    nextDue: () => (s.nextDue.get() as { at: number | null }).at,
    log: (webhookId: string | null, limit: number) => s.log.all({ webhookId, limit }) as DeliveryRow[],
    /** Records a 2xx answer. Only a pending delivery changes: a delivered one is never touched again. */
    markDelivered: (id: number, responseStatus: number, now: number) => s.delivered.run({ id, responseStatus, now }).changes > 0,
    /** Records a failed attempt: due again at `nextAt`, or failed for good when it is null. */
    markAttemptFailed: (id: number, result: { responseStatus: number | null; error: string }, nextAt: number | null, now: number) =>
      s.retry.run({ id, now, responseStatus: result.responseStatus, error: result.error, nextAt, status: nextAt === null ? 'failed' : 'pending' }).changes > 0,
  };
}

/** The webhooks repo. */
export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;
