import { create } from 'zustand';
import type { Media } from '../../../shared/domain';
import type { Result } from '../../../shared/result';
import { libraryUrl, outbox, pathOfFile } from '../api';

/** The most a file without a disk path may weigh: its bytes cross to the engine whole (base64). */
export const MAX_BYTES_WITHOUT_PATH = 100 * 1024 * 1024;

interface MediaState {
  items: Record<string, Media>;
  thumbs: Record<string, string>;
  /** Fetches what is missing for these ids (info and a thumbnail). */
  ensure(ids: string[]): void;
  remember(media: Media): void;
  /**
   * Imports a picked or dropped file: by its disk path (the engine streams it; nothing crosses
   * IPC whole) wherever the page knows paths; else, up to 100 MB, its bytes.
   */
  importFile(file: File): Promise<Result<Media>>;
  /** Imports bytes the page made or holds (a pasted image, a video frame drawn as a cover). */
  importBlob(name: string, blob: Blob): Promise<Result<Media>>;
}

const asked = new Set<string>();

/** Reads a Blob as base64 (without the data: prefix), for media:importData. */
function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file'));
    reader.readAsDataURL(blob);
  });
}

const sizeName = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Media facts and thumbnails (data: URLs: the page cannot read the library's files), and imports. */
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
  async importFile(file) {
    const path = pathOfFile(file);
    let result: Result<Media>;
    if (path) {
      result = await outbox().media.import({ path });
    } else {
      if (file.size > MAX_BYTES_WITHOUT_PATH) {
        return { ok: false, error: { code: 'validation', message: `${file.name} is ${sizeName(file.size)}: files over ${sizeName(MAX_BYTES_WITHOUT_PATH)} can be added in the desktop app, which reads them from disk`, issues: [{ path: 'path', message: 'too large to send as bytes' }] } };
      }
      result = await outbox().media.importData({ name: file.name, data: await blobToBase64(file) });
    }
    if (result.ok) get().remember(result.value);
    return result;
  },
  async importBlob(name, blob) {
    const result = await outbox().media.importData({ name, data: await blobToBase64(blob) });
    if (result.ok) get().remember(result.value);
    return result;
  },
}));

/** Where the page can play or draw a library item (video covers), or null where it cannot. */
export const playableUrl = (media: Pick<Media, 'sha256'>): string | null => libraryUrl(media.sha256);
