// Publishing to LinkedIn through the Posts API, shared by the profile (`linkedin`, author
// urn:li:person) and the Page (`linkedin-page`, author urn:li:organization)
// (learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api): POST /rest/posts
// with `LinkedIn-Version` and `X-Restli-Protocol-Version: 2.0.0`; the post's URN comes back in the
// `x-restli-id` header; its link is https://www.linkedin.com/feed/update/<urn>/. Text, one image or
// several (multiImage), a video, a PDF document (a carousel, with its title), or an article link;
// visibility, feed distribution, and reshares turned off.
//
// Exactly once, as for X: POST /rest/posts is not idempotent. The send and its moment are saved
// before it leaves; a send whose answer was lost is looked for among the author's posts (GET
// /rest/posts?q=author, sorted by creation) and recognised by its commentary and media. A Page's
// posts can be read (r_organization_social); a profile's cannot without the restricted
// r_member_social, so after a crash a profile's entry fails with "check LinkedIn", and a send the
// creator asks for again is protected by LinkedIn's own duplicate check (422 DUPLICATE_POST, which
// then says where the earlier post may be).
import { type PlatformSettings } from '../../../shared/platforms/settings';
import { progressSlot, type ProgressSlot } from '../media/progress-slot';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishResult } from '../types';
import { uploadFile, uploadImage, type LinkedInAssetOptions, type Sleep } from './assets';
import { authorUrn, classifyLinkedIn, errorCodes, linkedinFetch, linkedinPostUrl, littleText } from './rest';
import { abortableSleep as realSleep } from '../sleep';
import { entrySettings } from '../entry-settings';

/** A send older than this that the author's posts do not list did not happen. */
export const LINKEDIN_LISTING_DELAY_MS = 2 * 60_000;
const CLOCK_SKEW_MS = 5 * 60_000;
/** Posts read per page when looking for a lost send, and pages at most. */
const PAGE_SIZE = 50;
const MAX_PAGES = 4;

/** What an entry keeps between attempts (under the progress key `linkedin`; assets under `linkedin-asset-<n>`). */
interface LinkedInState {
  post: { urn: string } | null;
  /** The POST /rest/posts that may have reached LinkedIn, its moment, and what it said. */
  inflight: { at: number; commentary: string } | null;
  /** Set when a send went out again after one that could not be checked: a duplicate then means "already there". */
  resent: boolean;
}


/** Options of the LinkedIn adapters (tests make waits instant). */
export interface LinkedInAdapterOptions {
  sleep?: Sleep;
  processingLimitMs?: number;
  retry?: LinkedInAssetOptions['retry'];
}

type Platform = 'linkedin' | 'linkedin-page';
type Settings = PlatformSettings<'linkedin'> | PlatformSettings<'linkedin-page'>;

const VISIBILITY = { public: 'PUBLIC', connections: 'CONNECTIONS', logged_in: 'LOGGED_IN' } as const;

interface ListedPost {
  id?: string;
  commentary?: string;
  createdAt?: number;
  content?: { media?: { id?: string }; multiImage?: { images?: Array<{ id?: string }> }; article?: { source?: string } };
}

const same = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

/** Creates the publisher of one of the two LinkedIn platform ids. */
export function createLinkedInAdapter(platform: Platform, options: LinkedInAdapterOptions = {}): PlatformAdapter {
  const name = platform === 'linkedin' ? 'LinkedIn' : 'LinkedIn Page';
  const assetOptions: LinkedInAssetOptions = { sleep: options.sleep ?? realSleep, ...(options.processingLimitMs ? { processingLimitMs: options.processingLimitMs } : {}), ...(options.retry ? { retry: options.retry } : {}) };

  function settingsOf(ctx: PublishContext): Settings {
    return entrySettings(ctx, platform);
  }

  const stateOf = (slot: ProgressSlot<LinkedInState>): LinkedInState => {
    const saved = slot.get();
    return { post: saved?.post ?? null, inflight: saved?.inflight ?? null, resent: saved?.resent ?? false };
  };

  const assetUrns = (ctx: PublishContext) => (ctx.parts[0]?.media ?? []).map((_, i) => progressSlot<{ urn?: string }>(ctx.progress, `linkedin-asset-${i}`).get()?.urn).filter((u): u is string => !!u);

  function check(ctx: PublishContext, settings: Settings) {
    const part = ctx.parts[0];
    if (!part) throw new PublishError('permanent', 'The post has no text or media');
    if (part.text.trim() === '' && part.media.length === 0 && !settings.articleUrl) throw new PublishError('permanent', 'The post is empty');
    const kinds = part.media.map((m) => m.kind);
    const documents = kinds.filter((k) => k === 'document').length;
    const videos = kinds.filter((k) => k === 'video').length;
    if (documents > 1 || (documents === 1 && kinds.length > 1)) throw new PublishError('permanent', `${name} takes one document (PDF) alone, without images or video`);
    if (videos > 1 || (videos === 1 && kinds.length > 1)) throw new PublishError('permanent', `${name} takes one video alone, without images`);
    if (settings.articleUrl && kinds.length > 0) throw new PublishError('permanent', `${name} cannot show an article link and media in one post: remove one of them`);
    if (documents === 1 && !settings.documentTitle) throw new PublishError('permanent', `${name} needs a title for the document (PDF): set it in the LinkedIn options`);
  }

  /**
   * Looks among the author's posts since the send for the one we made. `unavailable` when LinkedIn
   * does not let this account read them (a profile without r_member_social).
   */
  async function lookForSent(ctx: PublishContext, inflight: NonNullable<LinkedInState['inflight']>): Promise<{ urn: string | null; complete: boolean } | 'unavailable'> {
    const author = authorUrn(ctx.account);
    const since = inflight.at - CLOCK_SKEW_MS;
    const media = assetUrns(ctx);
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await linkedinFetch<{ elements?: ListedPost[] }>(ctx, '/rest/posts', {
        query: { author, q: 'author', count: String(PAGE_SIZE), start: String(page * PAGE_SIZE), sortBy: 'CREATED' },
        what: 'Looking for the post on LinkedIn',
      });
      if (answer.status === 403) return 'unavailable';
      if (answer.status < 200 || answer.status >= 300) throw classifyLinkedIn(answer, { now: ctx.now(), what: 'Looking for the post on LinkedIn' });
      const elements = answer.body.elements ?? [];
      for (const post of elements) {
        if (!post.id || typeof post.createdAt !== 'number' || post.createdAt < since) continue;
        if (!same(post.commentary ?? '', inflight.commentary)) continue;
        const attached = [post.content?.media?.id, ...(post.content?.multiImage?.images ?? []).map((i) => i.id)].filter((u): u is string => !!u);
        if (!media.every((u) => attached.includes(u))) continue;
        return { urn: post.id, complete: true };
      }
      // Sorted newest first: a page that reaches back before the send, or a short page, is the end.
      const oldest = elements.at(-1)?.createdAt;
      if (elements.length < PAGE_SIZE || (typeof oldest === 'number' && oldest < since)) return { urn: null, complete: true };
    }
    return { urn: null, complete: false };
  }

  /** Settles a send whose answer never came; see the file's comment. */
  async function settleInflight(ctx: PublishContext, slot: ProgressSlot<LinkedInState>, state: LinkedInState, mode: 'publish' | 'reconcile', waited = false): Promise<LinkedInState> {
    const inflight = state.inflight!;
    const found = await lookForSent(ctx, inflight);
    if (found === 'unavailable') {
      if (mode === 'reconcile') throw new PublishError('transient', `${name} does not let Outbox read this profile's posts, so it cannot tell whether the post went out`);
      if (!inflight.commentary.trim()) {
        throw new PublishError('permanent', `${name} may already show this post (its earlier send was not confirmed) and Outbox cannot read your posts to tell: check ${name} before publishing it again`);
      }
      // Sent again: LinkedIn refuses the same commentary from the same author as a duplicate.
      state.inflight = null;
      state.resent = true;
      await slot.save(state);
      return state;
    }
    if (found.urn) {
      state.post = { urn: found.urn };
      state.inflight = null;
      await slot.save(state);
      return state;
    }
    if (found.complete && ctx.now() - inflight.at >= LINKEDIN_LISTING_DELAY_MS) {
      state.inflight = null;
      await slot.save(state);
      return state;
    }
    if (mode === 'reconcile') throw new PublishError('transient', `${name} does not list the post (yet); it was being sent when Outbox stopped`);
    // Too soon to tell (a retry right after a 5xx): wait out the listing delay here, once, and look again.
    const left = inflight.at + LINKEDIN_LISTING_DELAY_MS - ctx.now();
    if (found.complete && left > 0 && !waited) {
      try {
        await assetOptions.sleep(left, ctx.signal);
      } catch (error) {
        throw new PublishError('transient', `Waiting to see whether ${name} made the post was stopped`, { cause: error });
      }
      return settleInflight(ctx, slot, state, mode, true);
    }
    throw new PublishError('transient', `${name} did not confirm the post and does not list it yet; Outbox looks again before sending it`);
  }

  async function uploadMedia(ctx: PublishContext, owner: string): Promise<Array<{ urn: string; kind: 'image' | 'video' | 'document'; altText: string }>> {
    const media = ctx.parts[0]!.media;
    const out: Array<{ urn: string; kind: 'image' | 'video' | 'document'; altText: string }> = [];
    for (const [i, item] of media.entries()) {
      const label = item.kind === 'document' ? 'the document' : `${item.kind} ${i + 1}`;
      const key = `linkedin-asset-${i}`;
      const urn =
        item.kind === 'image' ? await uploadImage(ctx, owner, item, key, label, assetOptions) : await uploadFile(ctx, item.kind === 'video' ? 'videos' : 'documents', owner, item, key, label, assetOptions);
      out.push({ urn, kind: item.kind, altText: item.altText.trim() });
    }
    return out;
  }

  function bodyOf(ctx: PublishContext, settings: Settings, commentary: string, assets: Array<{ urn: string; kind: string; altText: string }>): Record<string, unknown> {
    const body: Record<string, unknown> = {
      author: authorUrn(ctx.account),
      commentary,
      visibility: VISIBILITY[settings.visibility],
      distribution: { feedDistribution: settings.feedDistribution === 'none' ? 'NONE' : 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: settings.disableReshares,
    };
    if (assets.length === 1) {
      const [asset] = assets;
      const media: Record<string, unknown> = { id: asset!.urn };
      if (asset!.kind === 'document') media['title'] = settings.documentTitle;
      if (asset!.kind === 'image' && asset!.altText) media['altText'] = asset!.altText;
      body['content'] = { media };
    } else if (assets.length > 1) {
      body['content'] = { multiImage: { images: assets.map((a) => ({ id: a.urn, ...(a.altText ? { altText: a.altText } : {}) })) } };
    } else if (settings.articleUrl) {
      body['content'] = { article: { source: settings.articleUrl, ...(settings.articleTitle ? { title: settings.articleTitle } : {}), ...(settings.articleDescription ? { description: settings.articleDescription } : {}) } };
    }
    return body;
  }

  const result = (urn: string): PublishResult => ({ platformPostId: urn, platformUrl: linkedinPostUrl(urn) });

  async function publish(ctx: PublishContext): Promise<PublishResult> {
    const settings = settingsOf(ctx);
    check(ctx, settings);
    const slot = progressSlot<LinkedInState>(ctx.progress, 'linkedin');
    let state = stateOf(slot);
    if (state.post) return result(state.post.urn);
    if (state.inflight) {
      state = await settleInflight(ctx, slot, state, 'publish');
      if (state.post) return result(state.post.urn);
    }
    const owner = authorUrn(ctx.account);
    const assets = await uploadMedia(ctx, owner);
    const commentary = littleText(ctx.parts[0]!.text);
    const body = bodyOf(ctx, settings, commentary, assets);
    const what = `Posting to ${name}`;
    state.inflight = { at: ctx.now(), commentary };
    await slot.save(state);
    let answer;
    try {
      answer = await linkedinFetch(ctx, '/rest/posts', { json: body, what, sending: true });
    } catch (error) {
      if (error instanceof PublishError && error.maybeSent && !ctx.signal.aborted) {
        const seen = await lookForSent(ctx, state.inflight).catch(() => null);
        if (seen && seen !== 'unavailable' && seen.urn) {
          state.post = { urn: seen.urn };
          state.inflight = null;
          await slot.save(state);
          return result(seen.urn);
        }
      }
      throw error;
    }
    if (answer.status === 201 || answer.status === 200) {
      const urn = answer.headers.get('x-restli-id') ?? answer.headers.get('x-linkedin-id');
      if (!urn) throw new PublishError('transient', `${what}: LinkedIn answered without the post's id`, { maybeSent: true });
      state.post = { urn };
      state.inflight = null;
      await slot.save(state);
      return result(urn);
    }
    const failure = classifyLinkedIn(answer, { now: ctx.now(), what });
    if (failure.kind !== 'transient') {
      const resent = state.resent;
      state.inflight = null;
      state.resent = false;
      await slot.save(state);
      if (resent && errorCodes(answer.body).includes('DUPLICATE_POST')) {
        // The earlier send, which could not be checked, most likely went through.
        const earlier = /urn:li:(?:share|ugcPost):\d+/.exec(failure.message)?.[0];
        throw new PublishError(
          'permanent',
          `${failure.message}. The earlier attempt was being sent when it was interrupted, so the post may already be on ${name}${earlier ? `: ${linkedinPostUrl(earlier)}` : ''}; check it before publishing again`,
          { httpStatus: failure.httpStatus },
        );
      }
    }
    throw failure;
  }

  return {
    platform,
    // No idempotency key on POST /rest/posts: a repeat could post twice.
    idempotent: false,
    publish,
    async reconcile(ctx) {
      const slot = progressSlot<LinkedInState>(ctx.progress, 'linkedin');
      let state = stateOf(slot);
      if (state.post) return result(state.post.urn);
      if (!state.inflight) return null;
      state = await settleInflight(ctx, slot, state, 'reconcile');
      return state.post ? result(state.post.urn) : null;
    },
  };
}
