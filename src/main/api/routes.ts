import type { Account, Media, PartMedia, Post } from '../../shared/domain';
import type { postsCreateInput, postsUpdateInput, targetInput } from '../../shared/ipc/posts';
import type { Result } from '../../shared/result';
import type { Core } from '../core/create-core';
import type { z } from 'zod';
import { ApiError, fromEngineError, invalidField } from './api-error';
import type { FetchedMedia } from './media-fetch';
import { activeAccountsOf, renamePath, toAccountObject, toMediaObject, toPostObject, toUtc } from './post-mapping';
import { PLATFORM_ALIASES, type CreatePostBody, type PostObject, type UpdatePostBody } from './schemas';

/** What the route handlers need: the engine, and a way to read a media URL. */
export interface RouteDeps {
  invoke: Core['invoke'];
  fetchMedia(url: string, field: string): Promise<FetchedMedia>;
}

/** The value of a successful Result, or the engine's error as the API's. */
function unwrap<T>(result: Result<T>, targetsField: 'platforms' | 'accounts' = 'accounts'): T {
  if (!result.ok) throw fromEngineError(result.error, (path) => renamePath(path, targetsField));
  return result.value;
}

type Target = z.input<typeof targetInput>;
type MediaBody = NonNullable<CreatePostBody['media']>;

/** Operations behind the routes. Each one is a translation over `invoke`, never a rule of its own. */
export function createOperations(deps: RouteDeps) {
  const { invoke } = deps;

  /** Media kinds for the media a set of posts uses (the posts keep only ids). */
  async function kindsFor(posts: Post[]): Promise<Map<string, Media['kind']>> {
    const ids = new Set(posts.flatMap((p) => (p.parts[0]?.media ?? []).map((m) => m.mediaId)));
    const kinds = new Map<string, Media['kind']>();
    for (const id of ids) {
      const media = await invoke('media:get', { id });
      // A post may still name media the library no longer has; it is shown as an image.
      if (media.ok) kinds.set(id, media.value.kind);
    }
    return kinds;
  }

  async function present(post: Post, baseUrl: string, warnings?: PostObject['warnings']): Promise<PostObject> {
    return toPostObject(post, await kindsFor([post]), baseUrl, warnings);
  }

  /** `platforms` and `accounts` as the engine's targets; undefined when the request names neither. */
  async function resolveTargets(body: { platforms?: string[] | undefined; accounts?: string[] | undefined }): Promise<Target[] | undefined> {
    if (body.platforms === undefined && body.accounts === undefined) return undefined;
    const ids: string[] = [];
    if (body.platforms && body.platforms.length > 0) {
      const accounts: Account[] = unwrap(await invoke('accounts:list'));
      body.platforms.forEach((name, i) => {
        const platform = PLATFORM_ALIASES[name] ?? (name as Account['platform']);
        const matching = activeAccountsOf(accounts, platform);
        if (matching.length === 0) throw invalidField(`platforms.${i}`, `no active ${platform} account is connected in Outbox`);
        ids.push(...matching.map((a) => a.id));
      });
    }
    ids.push(...(body.accounts ?? []));
    // The engine keeps the options and text overrides of accounts the post already goes to.
    return [...new Set(ids)].map((accountId) => ({ accountId }));
  }

  /**
   * Reads every media URL first into temp files (nothing is imported if one fails), then imports
   * them into the library through the engine. `added` collects the ids this request put in the
   * library (not those it already had), so a refusal later can take them out again.
   */
  async function importMedia(media: MediaBody, added: string[]): Promise<PartMedia[]> {
    if (media.video?.thumbnail_url) {
      throw invalidField('media.video.thumbnail_url', 'is not supported yet: Outbox has no per-post video cover; leave it out');
    }
    const wanted: Array<{ url: string; field: string; altText: string }> = media.video
      ? [{ url: media.video.url, field: 'media.video.url', altText: '' }]
      : (media.images ?? []).map((image, i) => ({ url: image.url, field: `media.images.${i}.url`, altText: image.alt_text ?? '' }));
    const fetched: FetchedMedia[] = [];
    try {
      for (const item of wanted) fetched.push(await deps.fetchMedia(item.url, item.field));
      const out: PartMedia[] = [];
      for (const [i, item] of wanted.entries()) {
        const file = fetched[i]!;
        const before = unwrap(await invoke('media:find', { sha256: file.sha256 }));
        const imported = await invoke('media:import', { path: file.path });
        if (!imported.ok) throw fromEngineError(imported.error, () => item.field);
        if (before === null && !added.includes(imported.value.id)) added.push(imported.value.id);
        out.push({ mediaId: imported.value.id, altText: item.altText });
      }
      return out;
    } finally {
      await Promise.all(fetched.map((file) => file.release()));
    }
  }

  /**
   * Runs `work`, which may add media to the library; when it fails, the media it added are
   * deleted again (a refused request changes nothing). Media another post has started using
   * in the meantime stay: the engine refuses to delete them.
   */
  async function withMediaRollback<T>(work: (added: string[]) => Promise<T>): Promise<T> {
    const added: string[] = [];
    try {
      return await work(added);
    } catch (error) {
      for (const id of added) await invoke('media:delete', { id });
      throw error;
    }
  }

  return {
    async createPost(body: CreatePostBody, baseUrl: string): Promise<PostObject> {
      const targetsField = body.platforms !== undefined ? 'platforms' : 'accounts';
      const targets = await resolveTargets(body);
      const created = await withMediaRollback(async (added) => {
        const media = body.media ? await importMedia(body.media, added) : [];
        const payload: z.input<typeof postsCreateInput> = {
          parts: [{ text: body.content, media }],
          ...(targets ? { targets } : {}),
          schedule: body.scheduled_for ? { mode: 'at', at: toUtc(body.scheduled_for) } : { mode: 'draft' },
        };
        return unwrap(await invoke('posts:create', payload), targetsField);
      });
      return present(created.post, baseUrl, created.warnings);
    },

    async listPosts(query: { status?: Post['status'] | undefined; limit: number; offset: number }, baseUrl: string) {
      const { posts, total } = unwrap(await invoke('posts:list', { ...(query.status ? { status: query.status } : {}), limit: query.limit, offset: query.offset }));
      const kinds = await kindsFor(posts);
      return { posts: posts.map((post) => toPostObject(post, kinds, baseUrl)), total };
    },

    async getPost(id: string, baseUrl: string): Promise<PostObject> {
      return present(unwrap(await invoke('posts:get', { id })), baseUrl);
    },

    async updatePost(id: string, body: UpdatePostBody, baseUrl: string): Promise<PostObject> {
      const targetsField = body.platforms !== undefined ? 'platforms' : 'accounts';
      const current = unwrap(await invoke('posts:get', { id }));
      const targets = await resolveTargets(body);
      const updated = await withMediaRollback(async (added) => {
        const payload: z.input<typeof postsUpdateInput> = { id };
        if (body.content !== undefined || body.media !== undefined) {
          const [first, ...rest] = current.parts;
          const media = body.media === undefined ? (first?.media ?? []) : body.media === null ? [] : await importMedia(body.media, added);
          payload.parts = [{ text: body.content ?? first?.text ?? '', media }, ...rest];
        }
        if (targets) payload.targets = targets;
        if (body.scheduled_for !== undefined) payload.scheduledAt = body.scheduled_for === null ? null : toUtc(body.scheduled_for);
        return unwrap(await invoke('posts:update', payload), targetsField);
      });
      return present(updated.post, baseUrl, updated.warnings);
    },

    async deletePost(id: string): Promise<void> {
      unwrap(await invoke('posts:delete', { id }));
    },

    async publishPost(id: string, baseUrl: string): Promise<PostObject> {
      // The engine checks the entries still to send (platform limits, media rules) and answers
      // `validation` for a post that cannot go out: a 422 here.
      return present(unwrap(await invoke('posts:publish', { id })), baseUrl);
    },

    async listAccounts() {
      return { accounts: unwrap(await invoke('accounts:list')).map(toAccountObject) };
    },

    async getMedia(id: string) {
      return toMediaObject(unwrap(await invoke('media:get', { id })));
    },
  };
}

/** The operations the server routes to. */
export type Operations = ReturnType<typeof createOperations>;

/** Re-exported so the server needs one import for its errors. */
export { ApiError };
