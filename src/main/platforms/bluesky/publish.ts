import { readFile } from 'node:fs/promises';
import type { Agent, RichText } from '@atproto/api';
import { type PlatformAdapter, type PublishContext, type PublishMedia, type PublishPart, type PublishResult, PublishError } from '../types';
import { type FittedImage, fitImage } from './image';
import { BLUESKY_LIMITS } from './limits';
import { readLinkCard } from './link-card';
import { lazy } from '../lazy';
import { atproto, type BlueskySecrets, classify, parseSecrets, sessionAgent } from './session';

/** Record keys (TIDs): with the SDK, loaded on the first Bluesky publish. */
const commonWeb = lazy(() => import('@atproto/common-web'));

const POST = 'app.bsky.feed.post';

/** A record's strong reference (what replies point at). */
interface StrongRef {
  uri: string;
  cid: string;
}

/** One part's state: its record key is chosen (and committed) before the record is sent. */
type PartProgress = {
  rkey: string;
  uri?: string;
  cid?: string;
};

/** What the adapter keeps in the entry's progress between requests and across crashes. */
type BlueskyProgress = {
  did: string;
  parts: PartProgress[];
};

/** Options of the Bluesky adapter (tests shorten the link card's deadline). */
export interface BlueskyAdapterOptions {
  /** One deadline for reading a link card's page and image; no card when it passes. */
  linkCardTimeoutMs?: number;
}

/**
 * Publishes posts and threads to Bluesky through the account's PDS.
 *
 * Exactly once: every part's record key (a TID) is chosen and committed to the entry's progress
 * before its createRecord, and createRecord names that key. Sending a part again can therefore
 * never make a second record: the PDS refuses a key that exists, and the adapter then finds the
 * record by its key. That is why `idempotent` is true.
 */
export function createBlueskyAdapter(options: BlueskyAdapterOptions = {}): PlatformAdapter {
  const linkCardTimeoutMs = options.linkCardTimeoutMs ?? 5_000;

  async function publish(ctx: PublishContext): Promise<PublishResult> {
    checkParts(ctx.parts);
    const session = await open(ctx);
    const saved = loadProgress(ctx, session.secrets.did);
    let progress: BlueskyProgress;
    if (saved && saved.parts.length === ctx.parts.length) {
      progress = saved;
    } else {
      // New keys for parts without one, committed before anything is sent.
      const { TID } = await commonWeb();
      progress = { did: session.secrets.did, parts: ctx.parts.map((_, i) => saved?.parts[i] ?? { rkey: TID.nextStr() }) };
      await ctx.progress.save(progress);
    }
    // Progress found at the start means an earlier try may have sent parts we never heard back about.
    return send(ctx, session, progress, saved !== null);
  }

  async function reconcile(ctx: PublishContext): Promise<PublishResult | null> {
    const saved = loadProgress(ctx, parseSecrets(ctx.credentials).did);
    // No keys committed means createRecord was never called.
    if (!saved) return null;
    const session = await open(ctx);
    let changed = false;
    for (const part of saved.parts) {
      if (part.uri && part.cid) continue;
      const found = await lookup(session.agent, saved.did, part.rkey, ctx);
      // Parts go out one after another, so nothing after a missing part was sent either.
      if (!found) break;
      Object.assign(part, found);
      changed = true;
    }
    if (changed) await ctx.progress.save(saved);
    const complete = saved.parts.length === ctx.parts.length && saved.parts.every((p) => p.uri && p.cid);
    // An incomplete thread answers null: publish() resumes it with the same keys.
    return complete ? result(session.secrets, saved) : null;
  }

  async function send(ctx: PublishContext, session: Session, progress: BlueskyProgress, resumed: boolean): Promise<PublishResult> {
    let lookFirst = resumed;
    let root: StrongRef | null = null;
    let parent: StrongRef | null = null;
    const mentions = new Map<string, string | null>();
    for (const [i, part] of ctx.parts.entries()) {
      const state = progress.parts[i]!;
      if (!(state.uri && state.cid)) {
        let ref = lookFirst ? await lookup(session.agent, progress.did, state.rkey, ctx) : null;
        if (!ref) {
          lookFirst = false;
          const reply = root && parent ? { root, parent } : undefined;
          const record = await buildRecord(ctx, session, part, reply, mentions);
          ref = await create(session.agent, progress.did, state.rkey, record, ctx);
        }
        state.uri = ref.uri;
        state.cid = ref.cid;
        await ctx.progress.save(progress);
      }
      const ref = { uri: state.uri, cid: state.cid };
      root ??= ref;
      parent = ref;
    }
    return result(session.secrets, progress);
  }

  async function buildRecord(ctx: PublishContext, session: Session, part: PublishPart, reply: { root: StrongRef; parent: StrongRef } | undefined, mentions: Map<string, string | null>) {
    const { RichText } = await atproto();
    const rt = new RichText({ text: part.text });
    rt.detectFacetsWithoutResolution();
    const facets = await resolveFacets(rt, session.agent, ctx, mentions);
    const languages = readLanguages(ctx.entry.settings);
    let embed: Record<string, unknown> | undefined;
    const video = part.media.find((m) => m.kind === 'video');
    if (video) {
      embed = await videoEmbed(ctx, session.agent, video);
    } else if (part.media.length > 0) {
      embed = { $type: 'app.bsky.embed.images', images: await uploadImages(ctx, session.agent, part) };
    } else if (ctx.entry.settings.linkCard !== false) {
      const link = firstLink(facets ?? []);
      if (link) embed = await linkCardEmbed(ctx, session.agent, link);
    }
    return {
      $type: POST,
      text: rt.text,
      ...(facets && facets.length > 0 ? { facets } : {}),
      ...(languages.length > 0 ? { langs: languages } : {}),
      ...(reply ? { reply } : {}),
      ...(embed ? { embed } : {}),
      createdAt: new Date(ctx.now()).toISOString(),
    };
  }

  async function linkCardEmbed(ctx: PublishContext, agent: Agent, uri: string): Promise<Record<string, unknown> | undefined> {
    const card = await readLinkCard(uri, { timeoutMs: linkCardTimeoutMs, signal: ctx.signal });
    if (ctx.signal.aborted) throw new PublishError('transient', 'Publishing was stopped', { cause: ctx.signal.reason });
    if (!card) return undefined;
    let thumb: unknown;
    if (card.image) {
      const fitted = await fitImage(card.image.bytes, card.image.mime).catch(() => null);
      if (fitted) thumb = await upload(agent, fitted.bytes, fitted.mime, ctx, 'link card image');
    }
    return { $type: 'app.bsky.embed.external', external: { uri: card.uri, title: card.title, description: card.description, ...(thumb ? { thumb } : {}) } };
  }

  return { platform: 'bluesky', idempotent: true, publish, reconcile };
}

/** The Bluesky adapter with its production settings. */
export const blueskyAdapter: PlatformAdapter = createBlueskyAdapter();

interface Session {
  secrets: BlueskySecrets;
  agent: Agent;
}

async function open(ctx: PublishContext): Promise<Session> {
  const secrets = parseSecrets(ctx.credentials);
  const base = ctx.endpoints.apiBase ?? secrets.pdsUrl;
  return { secrets, agent: await sessionAgent(base, secrets.did, secrets.accessJwt) };
}

function checkParts(parts: PublishPart[]) {
  if (parts.length === 0) throw new PublishError('permanent', 'The post has no text or media');
  for (const [i, part] of parts.entries()) {
    const where = parts.length > 1 ? ` (part ${i + 1})` : '';
    const videos = part.media.filter((m) => m.kind === 'video');
    if (videos.length > 0 && part.media.length > 1) throw new PublishError('permanent', `Bluesky takes one video on its own, without other media${where}`);
    if (videos.some((v) => v.mime !== 'video/mp4')) throw new PublishError('permanent', `Bluesky takes MP4 video only${where}`);
    if (videos.some((v) => v.bytes > BLUESKY_LIMITS.maxVideoBytes)) throw new PublishError('permanent', `Bluesky takes video up to ${BLUESKY_LIMITS.maxVideoBytes / 1_000_000} MB${where}`);
    if (part.media.length > BLUESKY_LIMITS.maxImages) throw new PublishError('permanent', `Bluesky takes at most ${BLUESKY_LIMITS.maxImages} images per post${where}`);
    if (!part.text.trim() && part.media.length === 0) throw new PublishError('permanent', `Bluesky: a post needs text or images${where}`);
  }
}

function loadProgress(ctx: PublishContext, did: string): BlueskyProgress | null {
  const raw = ctx.progress.get();
  if (!raw || raw.did !== did || !Array.isArray(raw.parts)) return null;
  const parts: PartProgress[] = [];
  for (const p of raw.parts as unknown[]) {
    if (!p || typeof p !== 'object' || typeof (p as PartProgress).rkey !== 'string') return null;
    const { rkey, uri, cid } = p as PartProgress;
    parts.push(typeof uri === 'string' && typeof cid === 'string' ? { rkey, uri, cid } : { rkey });
  }
  return { did, parts };
}

function result(secrets: BlueskySecrets, progress: BlueskyProgress): PublishResult {
  const first = progress.parts[0]!;
  const handle = secrets.handle || secrets.did;
  return { platformPostId: first.uri!, platformUrl: `https://bsky.app/profile/${handle}/post/${first.rkey}` };
}

/** Finds a record by its key: the ref, or null when the PDS says it does not exist. */
async function lookup(agent: Agent, did: string, rkey: string, ctx: PublishContext): Promise<StrongRef | null> {
  try {
    const res = await agent.com.atproto.repo.getRecord({ repo: did, collection: POST, rkey }, { signal: ctx.signal });
    return res.data.cid ? { uri: res.data.uri, cid: res.data.cid } : null;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw classify(err, { now: ctx.now(), what: 'checking for the post' });
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { status?: unknown; error?: unknown };
  return e?.error === 'RecordNotFound' || (e?.status === 400 && typeof e.error === 'string' && /notfound/i.test(e.error));
}

/** createRecord with the pre-chosen key; a failure after which the record exists counts as success. */
async function create(agent: Agent, did: string, rkey: string, record: Record<string, unknown>, ctx: PublishContext): Promise<StrongRef> {
  try {
    const res = await agent.com.atproto.repo.createRecord({ repo: did, collection: POST, rkey, record }, { signal: ctx.signal });
    return { uri: res.data.uri, cid: res.data.cid };
  } catch (err) {
    const failure = classify(err, { now: ctx.now(), sending: true });
    if (failure.kind === 'transient' || failure.kind === 'permanent') {
      // The key may exist already: an earlier try got through but its answer was lost (the
      // reference PDS answers a taken key with a 500). Then the post is there: success.
      const existing = await lookup(agent, did, rkey, ctx).catch(() => null);
      if (existing) return existing;
    }
    throw failure;
  }
}

async function upload(agent: Agent, bytes: Uint8Array, mime: string, ctx: PublishContext, what: string): Promise<unknown> {
  try {
    const res = await agent.com.atproto.repo.uploadBlob(bytes, { encoding: mime, signal: ctx.signal });
    return res.data.blob;
  } catch (err) {
    throw classify(err, { now: ctx.now(), what: `uploading the ${what}` });
  }
}

/**
 * The "simple method" of Bluesky's video guide: the MP4 goes to the PDS as a blob and the video
 * service processes it once the post appears (a few seconds without a playable video). The
 * pre-processing route through video.bsky.app is not implemented yet.
 */
async function videoEmbed(ctx: PublishContext, agent: Agent, video: PublishMedia): Promise<Record<string, unknown>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(video.path);
  } catch (err) {
    throw new PublishError('permanent', `The video could not be read from the library (${(err as Error).message})`, { cause: err });
  }
  const blob = await upload(agent, bytes, 'video/mp4', ctx, 'video');
  return {
    $type: 'app.bsky.embed.video',
    video: blob,
    ...(video.altText ? { alt: video.altText } : {}),
    ...(video.width && video.height ? { aspectRatio: { width: video.width, height: video.height } } : {}),
  };
}

async function uploadImages(ctx: PublishContext, agent: Agent, part: PublishPart) {
  const images: Array<Record<string, unknown>> = [];
  for (const [i, media] of part.media.entries()) {
    let source: Uint8Array;
    try {
      source = await readFile(media.path);
    } catch (err) {
      throw new PublishError('permanent', `Image ${i + 1} could not be read from the library (${(err as Error).message})`, { cause: err });
    }
    let fitted: FittedImage;
    try {
      // Re-encodes in memory when over the blob limit: the library file stays as it is.
      fitted = await fitImage(source, media.mime);
    } catch (err) {
      throw new PublishError('permanent', `Image ${i + 1}: ${(err as Error).message}`, { cause: err });
    }
    const blob = await upload(agent, fitted.bytes, fitted.mime, ctx, `image ${i + 1}`);
    images.push({ image: blob, alt: media.altText, aspectRatio: { width: fitted.width, height: fitted.height } });
  }
  return images;
}

/** Facets with mentions resolved to DIDs; a handle that does not exist stays plain text. */
async function resolveFacets(rt: RichText, agent: Agent, ctx: PublishContext, cache: Map<string, string | null>) {
  if (!rt.facets) return undefined;
  const facets = [];
  for (const facet of rt.facets) {
    const features = [];
    for (const feature of facet.features) {
      if (feature.$type === 'app.bsky.richtext.facet#mention') {
        const handle = String((feature as { did: string }).did);
        const did = await resolveHandle(agent, handle, ctx, cache);
        if (did) features.push({ ...feature, did });
      } else {
        features.push(feature);
      }
    }
    if (features.length > 0) facets.push({ ...facet, features });
  }
  return facets;
}

async function resolveHandle(agent: Agent, handle: string, ctx: PublishContext, cache: Map<string, string | null>): Promise<string | null> {
  if (cache.has(handle)) return cache.get(handle)!;
  let did: string | null;
  try {
    did = (await agent.com.atproto.identity.resolveHandle({ handle }, { signal: ctx.signal })).data.did;
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    // 400 = no such handle: the text still goes out, without a link. Anything else may pass.
    if (status !== 400) throw classify(err, { now: ctx.now(), what: `resolving @${handle}` });
    did = null;
  }
  cache.set(handle, did);
  return did;
}

function firstLink(facets: Array<{ features: Array<{ $type?: string }> }>): string | null {
  for (const facet of facets) {
    for (const feature of facet.features) {
      const uri = (feature as { uri?: unknown }).uri;
      if (feature.$type === 'app.bsky.richtext.facet#link' && typeof uri === 'string') return uri;
    }
  }
  return null;
}

function readLanguages(settings: Record<string, unknown>): string[] {
  const value = settings.languages;
  if (!Array.isArray(value)) return [];
  return value.filter((l): l is string => typeof l === 'string' && l.length > 0).slice(0, BLUESKY_LIMITS.maxLanguages);
}
