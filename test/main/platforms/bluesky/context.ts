import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ConnectContext } from '../../../../src/main/platforms/types';
import type { PublishContext, PublishMedia, PublishPart } from '../../../../src/main/platforms/types';
import { publishMedia } from '../../../support/publish-media';

/** An entry's progress as the engine keeps it: `save` commits, then may "crash" on cue. */
export class TestProgress {
  /** What is committed (as the database row would hold it: JSON round-tripped). */
  committed: Record<string, unknown> | null = null;
  saves = 0;
  /** When set, the n-th save (1-based) commits and then throws, like a process dying right after. */
  crashAfterSave: number | null = null;

  store() {
    return {
      get: () => (this.committed === null ? null : (JSON.parse(JSON.stringify(this.committed)) as Record<string, unknown>)),
      save: async (state: Record<string, unknown>) => {
        this.committed = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
        this.saves += 1;
        if (this.crashAfterSave === this.saves) throw new Error(`crash after save ${this.saves}`);
      },
    };
  }
}

/** A publish context for a Bluesky account with the connector's secrets. */
export function publishContext(options: {
  secrets: Record<string, unknown>;
  parts: PublishPart[];
  settings?: Record<string, unknown>;
  progress?: TestProgress;
  endpoints?: PublishContext['endpoints'];
  handle?: string;
  now?: () => number;
}): PublishContext {
  const progress = options.progress ?? new TestProgress();
  return {
    entry: { id: 'entry-1', postId: 'post-1', attemptKey: 'attempt-1', contentType: 'bluesky_post', settings: options.settings ?? {} },
    parts: options.parts,
    account: {
      id: 'account-1',
      platform: 'bluesky',
      handle: options.handle ?? String(options.secrets.handle ?? ''),
      platformUserId: String(options.secrets.did ?? ''),
      instanceUrl: String(options.secrets.service ?? ''),
      meta: {},
    },
    credentials: options.secrets,
    progress: progress.store(),
    endpoints: options.endpoints ?? {},
    signal: new AbortController().signal,
    now: options.now ?? (() => Date.now()),
  };
}

/** A connect context with nothing OAuth about it (Bluesky signs in with an app password). */
export function connectContext(endpoints: ConnectContext['endpoints'] = {}, now: () => number = () => Date.now()): ConnectContext {
  const cache = new Map<string, string>();
  return {
    endpoints,
    now,
    signal: new AbortController().signal,
    oauth: () => Promise.reject(new Error('Bluesky does not use OAuth here')),
    refreshToken: () => Promise.reject(new Error('Bluesky does not use OAuth here')),
    appCredentials: null,
    secretCache: { get: async (k) => cache.get(k) ?? null, set: async (k, v) => void cache.set(k, v) },
  };
}

/** Writes an image file into `dir` and describes it as the engine would. */
export async function imageFile(dir: string, name: string, options: { width: number; height: number; noise?: boolean; format?: 'png' | 'jpeg'; altText?: string }): Promise<PublishMedia> {
  const { width, height } = options;
  const format = options.format ?? 'png';
  let image;
  if (options.noise) {
    // Random pixels defeat compression: the way to get a real photo-sized file over 1 MB.
    const pixels = randomBytes(width * height * 3);
    image = sharp(pixels, { raw: { width, height, channels: 3 } });
  } else {
    image = sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } });
  }
  const bytes = format === 'png' ? await image.png().toBuffer() : await image.jpeg({ quality: 95 }).toBuffer();
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return publishMedia({
    mediaId: name,
    path,
    kind: 'image',
    mime: format === 'png' ? 'image/png' : 'image/jpeg',
    bytes: bytes.byteLength,
    width,
    height,
    altText: options.altText ?? `alt text of ${name}`,
  });
}

/** A file's SHA-256 (to prove the library copy is untouched). */
export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * A tiny MP4 (an ISO BMFF `ftyp` box and some `mdat` bytes): enough for the PDS, which sniffs the
 * type of a blob but never decodes video.
 */
export function mp4File(dir: string, name: string): PublishMedia {
  const box = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  };
  const ftyp = box('ftyp', Buffer.concat([Buffer.from('isom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41', 'latin1')]));
  const bytes = Buffer.concat([ftyp, box('mdat', randomBytes(4096))]);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return publishMedia({ mediaId: name, path, kind: 'video', mime: 'video/mp4', bytes: bytes.byteLength, durationMs: 1000 });
}
