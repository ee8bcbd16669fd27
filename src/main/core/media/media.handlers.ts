import type { DomainHandlers } from '../handlers';
import type { MediaService } from './media.service';

/** `media:*` channels. */
export function createMediaHandlers(media: MediaService): DomainHandlers<'media'> {
  return {
    'media:import': ({ path }) => media.import(path),
    'media:importData': ({ name, data }) => media.importData(name, data),
    'media:get': ({ id }) => media.get(id),
    'media:find': ({ sha256 }) => media.find(sha256),
    'media:delete': ({ id }) => media.delete(id),
    'media:thumbnail': ({ id, size }) => media.thumbnail(id, size),
  };
}
