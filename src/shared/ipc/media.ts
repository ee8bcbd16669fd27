import { z } from 'zod';
import type { Media } from '../domain';
import { channel } from './define';

/** Media channels. */
export const mediaChannels = {
  /** Copies a file from disk into the library (Electron: the preload turns a dropped File into its path). */
  'media:import': channel(z.strictObject({ path: z.string().min(1).max(4096) })).returns<Media>(),
  /** Imports bytes the page read itself (browser harness, pasted images): base64, 100 MB at most. */
  'media:importData': channel(
    z.strictObject({ name: z.string().min(1).max(255), data: z.string().min(1).max(140_000_000) }),
  ).returns<Media>(),
  'media:get': channel(z.strictObject({ id: z.string().min(1) })).returns<Media>(),
  /** The library item holding these exact bytes, or null: callers that import learn whether the file is new. */
  'media:find': channel(z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256') })).returns<Media | null>(),
  /**
   * Removes a library item that no post uses, and its stored file when no other item shares it.
   * `conflict` (naming the posts) while a post uses it; `not_found` for an unknown id.
   */
  'media:delete': channel(z.strictObject({ id: z.string().min(1).max(100) })).returns<{ id: string }>(),
  /** A small preview as a data: URL (the page cannot read the library's files). */
  'media:thumbnail': channel(z.strictObject({ id: z.string().min(1), size: z.number().int().min(16).max(1024).default(256) })).returns<{ id: string; dataUrl: string }>(),
};
