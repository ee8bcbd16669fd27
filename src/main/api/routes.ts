import type { Account, Label, Media, PartMedia, Post, PostPart } from '../../shared/domain';
import type { postsCreateInput, postsUpdateInput, targetInput } from '../../shared/ipc/posts';
import type { Result } from '../../shared/result';
import type { Core } from '../core/create-core';
import type { Clock } from '../core/ports/ports';
import type { z } from 'zod';
import { ApiError, apiIssue, fromEngineError, invalidField } from './api-error';
import type { FetchedMedia } from './media-fetch';
import { activeAccountsOf, renamePath, toAccountObject, toMediaObject, toPostObject, toUtc, type PostContext, type TargetOrigins } from './post-mapping';
import {
  apiPlatform,
  platformOf,
  type CreatePostBody,
  type createLabelBody,
  type listPostsQuery,
  type PostObject,
  type UpdatePostBody,
  type ValidatePostBody,
  type validationObject,
} from './schemas';

/** What the route handlers need: the engine, a way to read a media URL, and the time. */
export interface RouteDeps {
  invoke: Core['invoke'];
  fetchMedia(url: string, field: string): Promise<FetchedMedia>;
  clock: Clock;
}

type Target = z.input<typeof targetInput>;
type MediaBody = NonNullable<CreatePostBody['media']>;
type PartBody = { content: string; media?: MediaBody | null | undefined };
type TargetSettings = NonNullable<CreatePostBody['account_settings']>[string];

/** The value of a successful Result, or the engine's error as the API's. */
function unwrap<T>(result: Result<T>, origins: TargetOrigins | 'platforms' | 'accounts' = 'accounts'): T {
  if (!result.ok) throw fromEngineError(result.error, (path) => renamePath(path, origins));
  return result.value;
}

const DEFAULT_LABEL_COLOR = '#6366f1';

/** Operations behind the routes. Each one is a translation over `invoke`, never a rule of its own. */
export function createOperations(deps: RouteDeps) {
  const { invoke } = deps;

  /** Media kinds and labels the answer needs (posts keep only ids). */
  async function contextFor(posts: Post[], baseUrl: string): Promise<PostContext> {
    const ids = new Set(posts.flatMap((p) => p.parts.flatMap((part) => part.media.map((m) => m.mediaId))));
    const kinds = new Map<string, Media['kind']>();
    for (const id of ids) {
      const media = await invoke('media:get', { id });
      // A post may still name media the library no longer has; it is shown as an image.
      if (media.ok) kinds.set(id, media.value.kind);
    }
    const wantsLabels = posts.some((p) => p.labelIds.length > 0);
    const labels = new Map<string, Label>(wantsLabels ? unwrap(await invoke('labels:list')).map((l) => [l.id, l]) : []);
    return { kinds, labels, baseUrl };
  }

  async function present(post: Post, baseUrl: string, warnings?: PostObject['warnings'], origins?: TargetOrigins): Promise<PostObject> {
    const object = toPostObject(post, await contextFor([post], baseUrl));
    if (warnings) object.warnings = warnings.map((w) => apiIssue({ ...w, path: renamePath(w.path, origins) }));
    return object;
  }

  /**
   * The engine's targets for `platforms`, `accounts` and the settings maps, and where each came
   * from (for error paths). undefined targets: the request leaves the post's accounts as they are
   * (create: every active account).
   */
  async function resolveTargets(
    body: Pick<CreatePostBody, 'platforms' | 'accounts' | 'platform_settings' | 'account_settings'>,
    current: Post | null,
  ): Promise<{ targets: Target[] | undefined; origins: TargetOrigins }> {
    const whole = body.platforms !== undefined ? 'platforms' : 'accounts';
    const hasSettings = body.platform_settings !== undefined || body.account_settings !== undefined;
    if (body.platforms === undefined && body.accounts === undefined && !hasSettings) return { targets: undefined, origins: { fields: [], whole } };
    let accounts: Account[] | null = null;
    const allAccounts = async () => (accounts ??= unwrap(await invoke('accounts:list')));
    const chosen: Array<{ accountId: string; field: string }> = [];
    const add = (accountId: string, field: string) => {
      if (!chosen.some((c) => c.accountId === accountId)) chosen.push({ accountId, field });
    };
    if (body.platforms === undefined && body.accounts === undefined) {
      // Only settings: they apply to the accounts the post goes to (create: every active one).
      if (current) for (const e of current.entries) if (e.accountId) add(e.accountId, 'accounts');
      if (!current) for (const a of await allAccounts()) if (a.active) add(a.id, 'accounts');
    }
    for (const [i, name] of (body.platforms ?? []).entries()) {
      const platform = platformOf(name);
      const matching = activeAccountsOf(await allAccounts(), platform);
      if (matching.length === 0) throw invalidField(`platforms.${i}`, `no active ${apiPlatform(platform)} account is connected in Outbox`);
      for (const a of matching) add(a.id, `platforms.${i}`);
    }
    for (const [j, accountId] of (body.accounts ?? []).entries()) add(accountId, `accounts.${j}`);

    // Settings per platform, then per account (which wins), for the chosen accounts.
    const platformOfAccount = new Map<string, string>();
    if (hasSettings) {
      for (const a of await allAccounts()) platformOfAccount.set(a.id, a.platform);
      for (const e of current?.entries ?? []) if (e.accountId && !platformOfAccount.has(e.accountId)) platformOfAccount.set(e.accountId, e.platform);
    }
    const platformSettings = new Map<string, { key: string; value: TargetSettings }>();
    for (const [key, value] of Object.entries(body.platform_settings ?? {})) {
      const platform = platformOf(key);
      if (!chosen.some((c) => platformOfAccount.get(c.accountId) === platform)) throw invalidField(`platform_settings.${key}`, `the post goes to no ${apiPlatform(platform)} account`);
      if (value) platformSettings.set(platform, { key, value });
    }
    for (const key of Object.keys(body.account_settings ?? {})) {
      if (!chosen.some((c) => c.accountId === key)) throw invalidField(`account_settings.${key}`, 'this account is not one the post goes to (add it to `accounts`)');
    }
    const fields: string[] = [];
    const targets = chosen.map(({ accountId, field }) => {
      const byPlatform = platformSettings.get(platformOfAccount.get(accountId) ?? '');
      const byAccount = body.account_settings?.[accountId];
      const merged: TargetSettings = { ...byPlatform?.value, ...byAccount };
      fields.push(byAccount ? `account_settings.${accountId}` : byPlatform ? `platform_settings.${byPlatform.key}` : field);
      const target: Target = { accountId };
      if (merged.content !== undefined) target.textOverride = merged.content;
      if (merged.content_type !== undefined) target.contentType = merged.content_type;
      if (merged.enabled !== undefined) target.enabled = merged.enabled;
      if (merged.settings !== undefined) target.settings = merged.settings;
      return target;
    });
    return { targets, origins: { fields, whole } };
  }

  /** Label ids for `labels` given as ids or names (case-insensitive). */
  async function resolveLabels(names: string[] | undefined): Promise<string[] | undefined> {
    if (names === undefined) return undefined;
    if (names.length === 0) return [];
    const labels = unwrap(await invoke('labels:list'));
    return names.map((name, i) => {
      const label = labels.find((l) => l.id === name) ?? labels.find((l) => l.name.toLowerCase() === name.trim().toLowerCase());
      if (!label) throw invalidField(`labels.${i}`, `no label has the id or name ${name} (see GET /v1/labels)`);
      return label.id;
    });
  }

  /**
   * Reads every media URL of one part first into temp files (nothing is imported if one fails),
   * then imports them into the library through the engine. `added` collects the ids this request
   * put in the library (not those it already had), so a refusal later can take them out again.
   */
  async function importMedia(media: MediaBody, added: string[], prefix: string): Promise<PartMedia[]> {
    const wanted: Array<{ url: string; field: string; altText: string }> = media.video
      ? [{ url: media.video.url, field: `${prefix}.video.url`, altText: '' }]
      : (media.images ?? []).map((image, i) => ({ url: image.url, field: `${prefix}.images.${i}.url`, altText: image.alt_text ?? '' }));
    // The video's cover image (YouTube, Reels and Facebook take it as a thumbnail), fetched with the rest.
    const thumbnail = media.video?.thumbnail_url ? { url: media.video.thumbnail_url, field: `${prefix}.video.thumbnail_url`, altText: '' } : null;
    if (thumbnail) wanted.push(thumbnail);
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
        if (item === thumbnail) {
          if (imported.value.kind !== 'image') throw invalidField(item.field, 'must be an image (JPEG, PNG or WebP): it becomes the video\'s cover');
          out[0] = { ...out[0]!, cover: { atMs: null, mediaId: imported.value.id } };
          continue;
        }
        out.push({ mediaId: imported.value.id, altText: item.altText });
      }
      return out;
    } finally {
      await Promise.all(fetched.map((file) => file.release()));
    }
  }

  /**
   * Runs `work`, which may add media to the library; when it fails (or `always`), the media it
   * added are deleted again: a refused request changes nothing. Media another post has started
   * using in the meantime stay (the engine refuses to delete them).
   */
  async function withMediaRollback<T>(work: (added: string[]) => Promise<T>, always = false): Promise<T> {
    const added: string[] = [];
    const rollback = async () => {
      for (const id of added) await invoke('media:delete', { id });
    };
    let result: T;
    try {
      result = await work(added);
    } catch (error) {
      await rollback();
      throw error;
    }
    if (always) await rollback();
    return result;
  }

  /** The parts a request's `content` / `segments` / `media` describe; undefined: unchanged. */
  async function partsOf(body: Pick<UpdatePostBody, 'content' | 'segments' | 'media'>, current: Post | null, added: string[]): Promise<PostPart[] | undefined> {
    if (Array.isArray(body.content) && body.segments !== undefined && body.segments !== null) {
      throw invalidField('segments', 'give a thread either as `content` parts or as `segments`, not both');
    }
    if (Array.isArray(body.content) && body.media !== undefined && body.media !== null) {
      throw invalidField('media', 'with `content` as parts, give each part its own `media`');
    }
    if (body.content === undefined && body.segments === undefined && body.media === undefined) return undefined;
    const [first, ...rest] = current?.parts ?? [];
    const out: PostPart[] = [];
    if (Array.isArray(body.content)) {
      for (const [i, part] of body.content.entries()) out.push(await partOf(part, `content.${i}.media`, added));
      return out;
    }
    const text = body.content ?? first?.text ?? '';
    const media = body.media === undefined ? (first?.media ?? []) : body.media === null ? [] : await importMedia(body.media, added, 'media');
    out.push({ text, media });
    if (body.segments === undefined) out.push(...rest);
    else for (const [i, part] of (body.segments ?? []).entries()) out.push(await partOf(part, `segments.${i}.media`, added));
    return out;
  }

  async function partOf(part: PartBody, mediaField: string, added: string[]): Promise<PostPart> {
    return { text: part.content, media: part.media ? await importMedia(part.media, added, mediaField) : [] };
  }

  function scheduleOf(body: CreatePostBody): z.input<typeof postsCreateInput>['schedule'] {
    const type = body.schedule_type ?? (body.scheduled_for ? 'schedule' : 'draft');
    if (type !== 'schedule' && body.scheduled_for) throw invalidField('scheduled_for', `must be left out with schedule_type ${type}`);
    switch (type) {
      case 'schedule':
        if (!body.scheduled_for) throw invalidField('scheduled_for', 'is required with schedule_type schedule');
        return { mode: 'at', at: toUtc(body.scheduled_for) };
      case 'publish_now':
        return { mode: 'now' };
      case 'queue':
        return { mode: 'queue' };
      case 'draft':
        return { mode: 'draft' };
    }
  }

  /** Octopost's `offset` paging, passed through (a page without `after` always carries its total). */
  async function offsetPage(payload: { labelId?: string; accountId?: string; query?: string; status?: Post['status']; limit: number; offset: number }) {
    const page = unwrap(await invoke('posts:list', payload));
    return { posts: page.posts, total: page.total ?? 0 };
  }

  /** One page of posts of several statuses, in the engine's order (schedule, then creation). */
  async function mergedPage(statuses: Post['status'][], filters: { labelId?: string; accountId?: string; query?: string }, offset: number, limit: number) {
    const lists = await Promise.all(
      statuses.map(async (status) => {
        const posts: Post[] = [];
        let total = 0;
        // Keyset pages: the total is counted with the first, each later page costs the same.
        let after: string | undefined;
        while (posts.length < offset + limit) {
          const page = unwrap(await invoke('posts:list', { ...filters, status, limit: 100, ...(after ? { after } : {}) }));
          if (page.total !== null) total = page.total;
          posts.push(...page.posts);
          if (!page.next) break;
          after = page.next;
        }
        return { posts, total };
      }),
    );
    const key = (p: Post) => [p.scheduledAt ?? '', p.createdAt, p.id].join('|');
    const merged = lists.flatMap((l) => l.posts).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return { posts: merged.slice(offset, offset + limit), total: lists.reduce((n, l) => n + l.total, 0) };
  }

  return {
    async createPost(body: CreatePostBody, baseUrl: string): Promise<PostObject> {
      const schedule = scheduleOf(body);
      const { targets, origins } = await resolveTargets(body, null);
      const labelIds = await resolveLabels(body.labels);
      const created = await withMediaRollback(async (added) => {
        const parts = (await partsOf(body, null, added))!;
        const payload: z.input<typeof postsCreateInput> = {
          parts,
          ...(targets ? { targets } : {}),
          ...(labelIds ? { labelIds } : {}),
          ...(body.repeatable !== undefined ? { repeat: body.repeatable } : {}),
          schedule,
        };
        return unwrap(await invoke('posts:create', payload), origins);
      });
      return present(created.post, baseUrl, created.warnings, origins);
    },

    async listPosts(query: z.output<typeof listPostsQuery>, baseUrl: string) {
      const labelId = query.label === undefined ? undefined : (await resolveLabels([query.label]))![0];
      const filters = { ...(labelId ? { labelId } : {}), ...(query.account ? { accountId: query.account } : {}), ...(query.q ? { query: query.q } : {}) };
      // Octopost's `published` is "published on at least one platform": partly published posts too.
      const { posts, total } =
        query.status === 'published'
          ? await mergedPage(['published', 'partially_published'], filters, query.offset, query.limit)
          : await offsetPage({ ...filters, ...(query.status ? { status: query.status } : {}), limit: query.limit, offset: query.offset });
      const ctx = await contextFor(posts, baseUrl);
      return { posts: posts.map((post) => toPostObject(post, ctx)), total };
    },

    async getPost(id: string, baseUrl: string): Promise<PostObject> {
      return present(unwrap(await invoke('posts:get', { id })), baseUrl);
    },

    async updatePost(id: string, body: UpdatePostBody, baseUrl: string): Promise<PostObject> {
      const current = unwrap(await invoke('posts:get', { id }));
      const { targets, origins } = await resolveTargets(body, current);
      const labelIds = await resolveLabels(body.labels);
      const updated = await withMediaRollback(async (added) => {
        const payload: z.input<typeof postsUpdateInput> = { id };
        const parts = await partsOf(body, current, added);
        if (parts) payload.parts = parts;
        if (targets) payload.targets = targets;
        if (labelIds) payload.labelIds = labelIds;
        if (body.repeatable !== undefined) payload.repeat = body.repeatable;
        if (body.scheduled_for !== undefined) payload.scheduledAt = body.scheduled_for === null ? null : toUtc(body.scheduled_for);
        return unwrap(await invoke('posts:update', payload), origins);
      });
      return present(updated.post, baseUrl, updated.warnings, origins);
    },

    async deletePost(id: string): Promise<void> {
      unwrap(await invoke('posts:delete', { id }));
    },

    async publishPost(id: string, baseUrl: string): Promise<PostObject> {
      // The engine checks the entries still to send (platform limits, media rules) and answers
      // `validation` for a post that cannot go out: a 422 here.
      return present(unwrap(await invoke('posts:publish', { id })), baseUrl);
    },

    async duplicatePost(id: string, baseUrl: string): Promise<PostObject> {
      return present(unwrap(await invoke('posts:duplicate', { id })), baseUrl);
    },

    async validatePost(body: ValidatePostBody): Promise<z.infer<typeof validationObject>> {
      const resolved = await resolveTargets(body, null);
      const origins = resolved.origins;
      let targets = resolved.targets;
      if (!targets) targets = unwrap(await invoke('accounts:list')).filter((a) => a.active).map((a) => ({ accountId: a.id }));
      // Media are imported to be measured, then taken out again: validating changes nothing.
      const result = await withMediaRollback(async (added) => {
        const parts = (await partsOf(body, null, added))!;
        return unwrap(await invoke('posts:validate', { parts, targets }), origins);
      }, true);
      const rename = (issue: { path: string; message: string; platform?: string }) => apiIssue({ ...issue, path: renamePath(issue.path, origins) });
      const accounts = result.entries.map((e) => ({
        account_id: e.accountId,
        platform: apiPlatform(e.platform),
        content_type: e.contentType,
        length: e.length,
        limit: e.limit,
        issues: e.problems.map(rename),
      }));
      const issues = accounts.flatMap((a) => a.issues);
      if (targets.length === 0) issues.push({ path: origins.whole, message: 'choose at least one account to post to' });
      return { valid: issues.length === 0, issues, accounts };
    },

    async listAccounts() {
      return { accounts: unwrap(await invoke('accounts:list')).map(toAccountObject) };
    },

    async getAccount(id: string) {
      const account = unwrap(await invoke('accounts:list')).find((a) => a.id === id);
      if (!account) throw new ApiError(404, 'not_found', `Account ${id} does not exist`);
      return toAccountObject(account);
    },

    async updateAccount(id: string, body: { active: boolean }) {
      return toAccountObject(unwrap(await invoke('accounts:setActive', { id, active: body.active })));
    },

    async listLabels() {
      return { labels: unwrap(await invoke('labels:list')).map((l) => ({ id: l.id, name: l.name, color: l.color })) };
    },

    async createLabel(body: z.output<typeof createLabelBody>) {
      const label = unwrap(await invoke('labels:create', { name: body.name, color: body.color ?? DEFAULT_LABEL_COLOR }));
      return { id: label.id, name: label.name, color: label.color };
    },

    /** The queue: its weekly slots and the next free one (what `schedule_type: "queue"` would take now). */
    async queue() {
      const settings = unwrap(await invoke('settings:get'));
      // The engine's own answer: the same slot `schedule_type: "queue"` takes.
      const { slots } = unwrap(await invoke('posts:nextSlots', { count: 1 }));
      return { time_zone: settings.timeZone, slots: settings.queueSlots, next_slot: slots[0] ?? null };
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
