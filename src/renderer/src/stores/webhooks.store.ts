import { outbox } from '../api';

type Webhooks = ReturnType<typeof outbox>['webhooks'];

/**
 * What the Webhooks section of Settings asks the engine (its local state stays in the component:
 * a new signing secret is shown once and never kept in a store).
 */
export const webhooksApi = {
  list: () => outbox().webhooks.list(),
  deliveries: (limit: number) => outbox().webhooks.deliveries({ limit }),
  create: (input: Parameters<Webhooks['create']>[0]) => outbox().webhooks.create(input),
  update: (input: Parameters<Webhooks['update']>[0]) => outbox().webhooks.update(input),
  test: (id: string) => outbox().webhooks.test({ id }),
  remove: (id: string) => outbox().webhooks.delete({ id }),
  /** Calls `listener` whenever a webhook or the delivery log changes; returns the unsubscribe. */
  onChanged: (listener: () => void) => outbox().on('webhooks:changed', () => listener()),
};
