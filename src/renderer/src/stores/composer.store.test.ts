import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Discard means gone, on this device at once: the composer's copy in local storage (what a reload
// restores) is removed before the engine is asked to delete its autosaved draft, so a window that
// closes or reloads meanwhile does not bring the discarded post back.
const STORAGE_KEY = 'outbox.composer.v1';
let release: () => void = () => {};
const fakeOutbox = {
  posts: {
    // The engine's delete takes its time: the test decides when it answers.
    delete: vi.fn(() => new Promise((resolve) => (release = () => resolve({ ok: true, value: { id: 'p1' } })))),
    validate: vi.fn(async () => ({ ok: true, value: { entries: [] } })),
  },
};

class MemoryStorage {
  readonly values = new Map<string, string>();
  getItem(key: string) {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.values.set(key, value);
  }
  removeItem(key: string) {
    this.values.delete(key);
  }
}

let storage: MemoryStorage;
beforeEach(() => {
  vi.resetModules();
  storage = new MemoryStorage();
  vi.stubGlobal('localStorage', storage);
  vi.stubGlobal('window', { outbox: fakeOutbox });
});
afterEach(() => vi.unstubAllGlobals());

describe('discarding a new post', () => {
  it('forgets it on this device before the engine has deleted its autosaved copy', async () => {
    const { useComposerStore } = await import('./composer.store');
    const store = useComposerStore;
    store.setState({ open: true, original: null, draft: { postId: 'p1', status: 'draft', parts: [{ text: '', media: [] }], targets: [], labelIds: [], repeat: null, when: null, fresh: false } });
    store.getState().change((d) => ({ ...d, parts: [{ text: 'Thrown away', media: [] }] }));
    expect(JSON.parse(storage.getItem(STORAGE_KEY)!)).toMatchObject({ open: true, draft: { postId: 'p1' } });

    const discarding = store.getState().resolveClose('discard');
    // The delete is still on its way: a reload now must not restore the post.
    await Promise.resolve();
    expect(fakeOutbox.posts.delete).toHaveBeenCalledWith({ id: 'p1' });
    expect(storage.getItem(STORAGE_KEY)).toBeNull();

    release();
    await discarding;
    expect(store.getState().open).toBe(false);
    expect(storage.getItem(STORAGE_KEY)).toBeNull();
  });
});
