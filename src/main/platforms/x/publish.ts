// Publishing to X through API v2 (https://docs.x.com/x-api/posts/create-post): POST /2/tweets for
// each part, each reply pointing at the part before (`reply.in_reply_to_tweet_id`), media uploaded
// first (media.ts), the options of PostSyncer's create-post list (who can reply, a poll, a quoted
// post, the post replied to, a Community, Super Followers).
//
// Exactly once: POST /2/tweets is not idempotent (X has no idempotency key). Before each POST the
// part and the moment are saved in the entry's progress (`inflight`); once X answers, the post's id
// replaces it. A send whose answer was lost (a dropped connection, a 5xx, a crash) is never
// repeated blindly: the account's own posts since that moment are read (GET /2/users/:id/tweets
// with `start_time`) and the part is recognised by its text (links aside: X turns them into
// t.co links), the post it replies to and its media. Found: it is recorded and the thread goes on.
// Not found: sent again only once X's listing is complete and the send is older than the time X
// takes to list a new post; otherwise the entry fails with "check X" (after a crash) or waits
// and looks again (after a 5xx).
import { xCommunityId, xPostId, type PlatformSettings } from '../../../shared/platforms/settings';
import { progressSlot, type ProgressSlot } from '../media/progress-slot';
import { PublishError, type PlatformAdapter, type PublishContext, type PublishResult } from '../types';
import { classifyX, xCall, xFetch } from './api';
import { uploadXMedia, type Sleep, type XMediaOptions, type XMediaState } from './media';
import { abortableSleep as realSleep } from '../sleep';
import { entrySettings } from '../entry-settings';

/** A send older than this that X does not list did not happen (X lists a new post within seconds). */
export const X_LISTING_DELAY_MS = 2 * 60_000;
/** Our clock and X's may differ: the search starts this much before the send. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Pages of 100 posts read when looking for a lost send (a creator posting 500 times in minutes is not one). */
const MAX_PAGES = 5;

/** What an entry keeps between attempts (under the progress key `x`; media under `x-media-<part>-<n>`). */
interface XState {
  /** The posted parts, by index. */
  parts: Array<{ id: string } | null>;
  /** The POST /2/tweets that may have reached X: which part, and when it was sent. */
  inflight: { part: number; at: number } | null;
}


/** Options of the X adapter (tests make waits instant). */
export interface XAdapterOptions {
  sleep?: Sleep;
  /** Longest wait for X to process a video in one attempt. */
  processingLimitMs?: number;
  /** Waits between retried upload segments. */
  retry?: XMediaOptions['retry'];
}

function settingsOf(ctx: PublishContext): PlatformSettings<'x'> {
  return entrySettings(ctx, 'x');
}

/** The link of a post: `https://x.com/<handle>/status/<id>`. */
export function xPostUrl(ctx: Pick<PublishContext, 'account'>, id: string): string {
  const username = typeof ctx.account.meta['username'] === 'string' && ctx.account.meta['username'] ? (ctx.account.meta['username'] as string) : ctx.account.handle.replace(/^@/, '');
  return `https://x.com/${encodeURIComponent(username)}/status/${id}`;
}

/**
 * A post's text as X shows it, reduced to what survives posting: entities decoded (X answers
 * `&amp;`), links dropped (X wraps each in a t.co link and adds one for attached media), spaces collapsed.
 */
export function comparableText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/https?:\/\/\S+/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

interface ListedPost {
  id?: string;
  text?: string;
  created_at?: string;
  referenced_tweets?: Array<{ type?: string; id?: string }>;
  referenced_posts?: Array<{ type?: string; id?: string }>;
  attachments?: { media_keys?: string[] | null };
}

/** Creates the X adapter. */
export function createXAdapter(options: XAdapterOptions = {}): PlatformAdapter {
  const mediaOptions: XMediaOptions = { sleep: options.sleep ?? realSleep, ...(options.processingLimitMs ? { processingLimitMs: options.processingLimitMs } : {}), ...(options.retry ? { retry: options.retry } : {}) };

  const stateOf = (slot: ProgressSlot<XState>): XState => {
    const saved = slot.get();
    return { parts: Array.isArray(saved?.parts) ? [...saved.parts] : [], inflight: saved?.inflight ?? null };
  };

  /** The post a part replies to: the part before, or (first part) the post the creator chose. */
  function parentOf(state: XState, index: number, settings: PlatformSettings<'x'>): string | null {
    if (index > 0) return state.parts[index - 1]?.id ?? null;
    return settings.replyTo ? xPostId(settings.replyTo) : null;
  }

  function mediaStates(ctx: PublishContext, index: number): XMediaState[] {
    return ctx.parts[index]!.media.map((_, m) => progressSlot<XMediaState>(ctx.progress, `x-media-${index}-${m}`).get()).filter((s): s is XMediaState => s !== null);
  }

  /**
   * Looks among the account's posts since the send of `state.inflight` for that part. `complete`
   * is false when X's listing was cut short (more posts than the pages read).
   */
  async function lookForSent(ctx: PublishContext, state: XState, settings: PlatformSettings<'x'>): Promise<{ id: string | null; complete: boolean }> {
    const inflight = state.inflight!;
    const part = ctx.parts[inflight.part];
    if (!part) return { id: null, complete: true };
    const text = comparableText(part.text);
    const parent = parentOf(state, inflight.part, settings);
    const media = mediaStates(ctx, inflight.part).map((m) => m.id);
    const since = new Date(inflight.at - CLOCK_SKEW_MS).toISOString();
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await xCall<{ data?: ListedPost[]; meta?: { next_token?: string } }>(ctx, `/2/users/${encodeURIComponent(ctx.account.platformUserId)}/tweets`, {
        query: { start_time: since, max_results: '100', 'tweet.fields': 'created_at,referenced_tweets,attachments', pagination_token: token },
        what: 'Looking for the post on X',
      });
      for (const post of answer.body.data ?? []) {
        if (!post.id || comparableText(post.text ?? '') !== text) continue;
        const refs = post.referenced_tweets ?? post.referenced_posts ?? [];
        const repliedTo = refs.find((r) => r.type === 'replied_to')?.id ?? null;
        if (repliedTo !== parent) continue;
        const keys = post.attachments?.media_keys ?? [];
        if (!media.every((id) => keys.some((k) => k.endsWith(`_${id}`)))) continue;
        return { id: post.id, complete: true };
      }
      token = answer.body.meta?.next_token;
      if (!token) return { id: null, complete: true };
    }
    return { id: null, complete: false };
  }

  /**
   * Settles a send whose answer never came: found on X -> recorded; certainly not there -> cleared
   * (safe to send); otherwise throws (the caller says whether to wait or to ask the creator).
   */
  async function settleInflight(ctx: PublishContext, slot: ProgressSlot<XState>, state: XState, settings: PlatformSettings<'x'>, mode: 'publish' | 'reconcile', waited = false): Promise<XState> {
    const inflight = state.inflight!;
    const found = await lookForSent(ctx, state, settings);
    if (found.id) {
      state.parts[inflight.part] = { id: found.id };
      state.inflight = null;
      await slot.save(state);
      return state;
    }
    if (found.complete && ctx.now() - inflight.at >= X_LISTING_DELAY_MS) {
      state.inflight = null;
      await slot.save(state);
      return state;
    }
    const which = ctx.parts.length > 1 ? `part ${inflight.part + 1} of the thread` : 'the post';
    if (mode === 'reconcile') throw new PublishError('transient', `X does not list ${which} (yet); it was being sent when Outbox stopped`);
    // Too soon to tell (a retry right after a 5xx): wait out X's listing delay here, once, and look
    // again, rather than spend the engine's quick retries on "too soon" or risk a second post.
    const left = inflight.at + X_LISTING_DELAY_MS - ctx.now();
    if (found.complete && left > 0 && !waited) {
      try {
        await mediaOptions.sleep(left, ctx.signal);
      } catch (error) {
        throw new PublishError('transient', `Waiting to see whether X made ${which} was stopped`, { cause: error });
      }
      return settleInflight(ctx, slot, state, settings, mode, true);
    }
    throw new PublishError('transient', `X did not confirm ${which} and does not list it yet; Outbox looks again before sending it`);
  }

  function result(ctx: PublishContext, state: XState): PublishResult {
    const first = state.parts[0];
    if (!first) throw new PublishError('permanent', 'The post has no parts to send');
    return { platformPostId: first.id, platformUrl: xPostUrl(ctx, first.id) };
  }

  function check(ctx: PublishContext, settings: PlatformSettings<'x'>) {
    if (ctx.parts.length === 0) throw new PublishError('permanent', 'The post has no text or media');
    if (settings.poll && (ctx.parts[0]?.media.length ?? 0) > 0) throw new PublishError('permanent', 'X cannot attach a poll and media to the same post: remove one of them from the first part');
    for (const [i, part] of ctx.parts.entries()) {
      if (part.text.trim() === '' && part.media.length === 0 && !(i === 0 && settings.poll)) throw new PublishError('permanent', `Part ${i + 1} is empty`);
    }
  }

  function bodyOf(ctx: PublishContext, state: XState, index: number, mediaIds: string[], settings: PlatformSettings<'x'>): Record<string, unknown> {
    const body: Record<string, unknown> = { text: ctx.parts[index]!.text };
    if (mediaIds.length > 0) body['media'] = { media_ids: mediaIds };
    const parent = parentOf(state, index, settings);
    if (parent) body['reply'] = { in_reply_to_tweet_id: parent };
    // "everyone" is X's default and not a value it takes.
    if (settings.replySettings !== 'everyone') body['reply_settings'] = settings.replySettings;
    if (index === 0) {
      if (settings.quotePost) body['quote_tweet_id'] = xPostId(settings.quotePost);
      if (settings.poll) body['poll'] = { options: settings.poll.options, duration_minutes: settings.poll.durationMinutes };
      if (settings.community) {
        body['community_id'] = xCommunityId(settings.community);
        if (settings.shareWithFollowers) body['share_with_followers'] = true;
      }
      if (settings.forSuperFollowersOnly) body['for_super_followers_only'] = true;
    }
    return body;
  }

  async function sendPart(ctx: PublishContext, slot: ProgressSlot<XState>, state: XState, index: number, settings: PlatformSettings<'x'>): Promise<void> {
    const part = ctx.parts[index]!;
    const count = ctx.parts.length;
    const mediaIds: string[] = [];
    for (const [m, media] of part.media.entries()) {
      const label = `${media.kind === 'video' ? 'video' : 'image'} ${m + 1}${count > 1 ? ` of part ${index + 1}` : ''}`;
      mediaIds.push((await uploadXMedia(ctx, media, `x-media-${index}-${m}`, label, mediaOptions)).id);
    }
    const what = count > 1 ? `Posting part ${index + 1} of ${count} to X` : 'Posting to X';
    const body = bodyOf(ctx, state, index, mediaIds, settings);
    // Saved (committed) before the request leaves: after a crash, this is where to look.
    state.inflight = { part: index, at: ctx.now() };
    await slot.save(state);
    let answer;
    try {
      answer = await xFetch<{ data?: { id?: string } }>(ctx, '/2/tweets', { json: body, what, sending: true });
    } catch (error) {
      if (error instanceof PublishError && error.maybeSent && !ctx.signal.aborted) {
        // The request left and no answer came: X may have made the post. Look before anything else.
        const seen = await lookForSent(ctx, state, settings).catch(() => null);
        if (seen?.id) {
          state.parts[index] = { id: seen.id };
          state.inflight = null;
          await slot.save(state);
          return;
        }
      }
      throw error;
    }
    if (answer.status === 201 || answer.status === 200) {
      const id = answer.body.data?.id;
      if (!id) throw new PublishError('transient', `${what}: X answered without the post's id`, { maybeSent: true });
      state.parts[index] = { id };
      state.inflight = null;
      await slot.save(state);
      return;
    }
    const failure = classifyX(answer, { now: ctx.now(), what });
    // A refusal (401, 403, 429, 4xx) made nothing; a 5xx may have: that one keeps `inflight`, so the
    // next attempt looks on X before sending again.
    if (failure.kind !== 'transient') {
      state.inflight = null;
      await slot.save(state);
    }
    throw failure;
  }

  async function publish(ctx: PublishContext): Promise<PublishResult> {
    const settings = settingsOf(ctx);
    check(ctx, settings);
    const slot = progressSlot<XState>(ctx.progress, 'x');
    let state = stateOf(slot);
    if (state.inflight) state = await settleInflight(ctx, slot, state, settings, 'publish');
    for (let index = 0; index < ctx.parts.length; index++) {
      if (state.parts[index]?.id) continue;
      await sendPart(ctx, slot, state, index, settings);
    }
    return result(ctx, state);
  }

  return {
    platform: 'x',
    // No idempotency key on POST /2/tweets: a repeat could post twice.
    idempotent: false,
    publish,
    async reconcile(ctx) {
      const slot = progressSlot<XState>(ctx.progress, 'x');
      let state = stateOf(slot);
      if (!state.inflight && !state.parts.some((p) => p?.id)) return null;
      if (state.inflight) state = await settleInflight(ctx, slot, state, settingsOf(ctx), 'reconcile');
      if (ctx.parts.every((_, i) => state.parts[i]?.id)) return result(ctx, state);
      // The rest of the thread was certainly not sent: publish goes on from the saved parts.
      return null;
    },
  };
}

/** The X adapter with real timers. */
export const xAdapter: PlatformAdapter = createXAdapter();
