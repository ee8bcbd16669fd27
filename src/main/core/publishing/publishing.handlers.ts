import type { Handler } from '../handlers';
import type { PublishingEngine } from './publishing.service';

/** `posts:publish`: the one channel the publishing engine answers. */
export function createPublishingHandlers(engine: PublishingEngine): { 'posts:publish': Handler<'posts:publish'> } {
  return {
    'posts:publish': ({ id }) => engine.publishNow(id),
  };
}
