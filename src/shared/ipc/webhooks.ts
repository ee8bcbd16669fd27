import { z } from 'zod';
import { channel, noPayload } from './define';

/** What a webhook can receive. */
export const WEBHOOK_EVENTS = ['post.published', 'post.partially_published', 'post.failed', 'account.needs_reconnect'] as const;
/** A webhook event type. */
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** True for `localhost`, 127.0.0.0/8 and ::1: the only hosts a plain-http webhook may name. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A webhook URL: https anywhere, or http to this machine (local tools); no credentials in it. */
export const webhookUrl = z
  .string()
  .trim()
  .max(2_048)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a web address such as https://example.com/hooks/outbox' });
      return;
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      ctx.addIssue({ code: 'custom', message: 'must start with https:// (plain http:// only to this computer: localhost or 127.0.0.1)' });
    }
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password' });
  });

const id = z.string().min(1).max(100);
const events = z.array(z.enum(WEBHOOK_EVENTS)).min(1, 'choose at least one event').max(WEBHOOK_EVENTS.length);

/** A webhook as the Settings view shows it. Its signing secret is never part of it. */
export interface Webhook {
  id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  description: string;
  createdAt: string;
  updatedAt: string;
}

/** One delivery of one event to one webhook, for the delivery log. */
export interface WebhookDelivery {
  id: number;
  webhookId: string;
  url: string;
  eventId: string;
  event: WebhookEventType | 'webhook.test';
  /** The post or account the event is about. */
  subjectId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** The HTTP status of the last answer, or null (no answer: timeout, refused connection). */
  responseStatus: number | null;
  error: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

/** A webhook with its signing secret: answered once, on create and on rotating the secret. */
export interface WebhookWithSecret {
  webhook: Webhook;
  secret: string;
}

/** Webhooks channels. */
export const webhooksChannels = {
  'webhooks:list': channel(noPayload).returns<Webhook[]>(),
  /** Adds a webhook; answers its signing secret once (it lives in the keychain). */
  'webhooks:create': channel(
    z.strictObject({ url: webhookUrl, events: events.default([...WEBHOOK_EVENTS]), description: z.string().trim().max(200).default('') }),
  ).returns<WebhookWithSecret>(),
  /** Changes a webhook; `rotateSecret` answers a new secret once and the old one stops signing at once. */
  'webhooks:update': channel(
    z.strictObject({ id, url: webhookUrl.optional(), events: events.optional(), enabled: z.boolean().optional(), description: z.string().trim().max(200).optional(), rotateSecret: z.boolean().optional() }),
  ).returns<{ webhook: Webhook; secret: string | null }>(),
  /** Removes a webhook, its pending deliveries and its secret. */
  'webhooks:delete': channel(z.strictObject({ id })).returns<{ id: string }>(),
  /** The delivery log, newest first. */
  'webhooks:deliveries': channel(
    z.union([z.undefined(), z.strictObject({ webhookId: id.optional(), limit: z.number().int().min(1).max(200).default(50) })]),
  ).returns<WebhookDelivery[]>(),
  /** Queues a `webhook.test` event for one webhook and sends it now. */
  'webhooks:test': channel(z.strictObject({ id })).returns<WebhookDelivery>(),
};
