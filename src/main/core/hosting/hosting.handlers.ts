import type { DomainHandlers } from '../handlers';
import type { HostingService } from './hosting.service';

/** `hosting:*` channels (Settings -> Media hosting). */
export function createHostingHandlers(hosting: HostingService): DomainHandlers<'hosting'> {
  return {
    'hosting:get': () => hosting.status(),
    'hosting:update': (input) => hosting.update(input),
    'hosting:test': (input) => hosting.test(input),
    'hosting:clear': () => hosting.clear(),
  };
}
