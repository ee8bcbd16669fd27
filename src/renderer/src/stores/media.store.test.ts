import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// No file crosses IPC whole: a picked or dropped file goes to the engine as its path wherever the
// page knows paths (Electron); only a file without one (a pasted screenshot, the browser harness)
// is sent as bytes, and never one over 100 MB.
const calls: Array<[string, unknown]> = [];
const media = { id: 'm1', kind: 'video', mime: 'video/mp4', bytes: 10, width: null, height: null, durationMs: null, sha256: 'a'.repeat(64), altText: '' };
const fakeOutbox = {
  media: {
    import: vi.fn(async (payload: unknown) => (calls.push(['media:import', payload]), { ok: true, value: media })),
    importData: vi.fn(async (payload: unknown) => (calls.push(['media:importData', payload]), { ok: true, value: media })),
    get: vi.fn(async () => ({ ok: true, value: media })),
    thumbnail: vi.fn(async () => ({ ok: true, value: { id: 'm1', dataUrl: 'data:image/webp;base64,' } })),
  },
};

class FakeFileReader {
  result: string | null = null;
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  error = null;
  readAsDataURL(blob: Blob) {
    void blob.arrayBuffer().then((b) => {
      this.result = `data:${blob.type};base64,${btoa(String.fromCharCode(...new Uint8Array(b)))}`;
      this.onload?.();
    });
  }
}

beforeEach(() => {
  calls.length = 0;
  vi.resetModules();
  vi.stubGlobal('FileReader', FakeFileReader);
});
afterEach(() => vi.unstubAllGlobals());

async function storeWith(shell: { pathForFile(file: File): string } | undefined) {
  vi.stubGlobal('window', { outbox: fakeOutbox, outboxShell: shell });
  return (await import('./media.store')).useMediaStore;
}

describe('media imports', () => {
  it('a picked or dropped file with a path is imported by its path: no bytes cross', async () => {
    const store = await storeWith({ pathForFile: (f) => `/home/ada/Videos/${f.name}` });
    const result = await store.getState().importFile(new File([new Uint8Array(1024)], 'ferry.mp4', { type: 'video/mp4' }));
    expect(result.ok).toBe(true);
    expect(calls).toEqual([['media:import', { path: '/home/ada/Videos/ferry.mp4' }]]);
  });

  it('without a path (the browser harness, a pasted screenshot) the bytes go, up to 100 MB', async () => {
    const store = await storeWith({ pathForFile: () => '' });
    await store.getState().importFile(new File(['png bytes'], 'pasted.png', { type: 'image/png' }));
    expect(calls).toEqual([['media:importData', { name: 'pasted.png', data: btoa('png bytes') }]]);
    calls.length = 0;
    const huge = new File([], 'huge.mp4');
    Object.defineProperty(huge, 'size', { value: 101 * 1024 * 1024 });
    const refused = await store.getState().importFile(huge);
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('desktop app') } });
    expect(calls).toEqual([]);
  });

  it('a drawn cover frame is imported as bytes (it has no file)', async () => {
    const store = await storeWith(undefined);
    await store.getState().importBlob('cover-1500ms.jpg', new Blob(['jpeg'], { type: 'image/jpeg' }));
    expect(calls).toEqual([['media:importData', { name: 'cover-1500ms.jpg', data: btoa('jpeg') }]]);
  });
});
