import type { DomainHandlers } from '../handlers';
import type { WebhooksService } from './webhooks.service';

/** `webhooks:*` channels. */
export function createWebhooksHandlers(webhooks: WebhooksService): DomainHandlers<'webhooks'> {
  return {
    'webhooks:list': () => webhooks.list(),
    'webhooks:create': (input) => webhooks.create(input),
    'webhooks:update': (input) => webhooks.update(input),
    'webhooks:delete': ({ id }) => webhooks.delete(id),
    'webhooks:deliveries': (input) => webhooks.deliveries(input),
    'webhooks:test': ({ id }) => webhooks.test(id),
  };
}
