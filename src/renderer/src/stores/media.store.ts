import { create } from 'zustand';
import type { Media } from '../../../shared/domain';
import type { Result } from '../../../shared/result';
import { outbox } from '../api';

interface MediaState {
  items: Record<string, Media>;
  thumbs: Record<string, string>;
  /** Fetches what is missing for these ids (info and a thumbnail). */
  ensure(ids: string[]): void;
  remember(media: Media): void;
  /** Imports a picked or dropped file's bytes (base64) into the media library. */
  importData(name: string, data: string): Promise<Result<Media>>;
}

const asked = new Set<string>();

/** Media facts and thumbnails (data: URLs: the page cannot read the library's files). */
export const useMediaStore = create<MediaState>((set, get) => ({
  items: {},
  thumbs: {},
  ensure(ids) {
    for (const id of ids) {
      if (asked.has(id)) continue;
      asked.add(id);
      void outbox()
        .media.get({ id })
        .then((r) => r.ok && set({ items: { ...get().items, [id]: r.value } }));
      void outbox()
        .media.thumbnail({ id, size: 256 })
        .then((r) => r.ok && set({ thumbs: { ...get().thumbs, [id]: r.value.dataUrl } }));
    }
  },
  remember(media) {
    set({ items: { ...get().items, [media.id]: media } });
    get().ensure([media.id]);
  },
  async importData(name, data) {
    const result = await outbox().media.importData({ name, data });
    if (result.ok) get().remember(result.value);
    return result;
  },
}));
