import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, writeFile, copyFile, readFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import type { fileTypeFromFile } from 'file-type';
import type { Media, MediaKind } from '../../../shared/domain';
import type { Db } from '../db/database';
import { AppError, invalid, notFound } from '../errors';
import type { Clock } from '../ports/ports';
import { createMediaRepo, toMedia, type MediaRow } from './media.repo';
import { loadSharp, readImageFacts } from '../../platforms/media/fit';
import { lazy } from '../../platforms/lazy';
import { readVideoFacts, type VideoFacts } from './video-facts';
import type { PostStore } from '../posts/post-store.repo';

/** Reads a file's type from its bytes: loaded with the first media import. */
const fileType = lazy(() => import('file-type'));

/** File types the library accepts (what the platforms take), by detected mime. */
export const SUPPORTED_MEDIA: Record<string, MediaKind> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'video/mp4': 'video',
  'video/quicktime': 'video',
  'video/webm': 'video',
  'video/x-m4v': 'video',
  // A PDF carousel (LinkedIn's Documents API); the catalog refuses it for every other platform.
  'application/pdf': 'document',
};
const SUPPORTED_NAMES = 'JPEG, PNG, GIF, WebP, MP4, MOV, WebM or PDF';
/** A PDF ends with `%%EOF` within its last 1,024 bytes (readers look no further): a truncated download does not. */
const PDF_TAIL_BYTES = 1024;
/** Library items no post or draft has named for this many days are removed by the sweep. */
export const UNUSED_MEDIA_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Media a sweep must keep although no post names them (the kept backups' media), by any of these. */
export interface KeptMedia {
  ids: ReadonlySet<string>;
  sha256?: ReadonlySet<string>;
  /** Paths relative to the data folder (`media/<sha256>.<ext>`). */
  files?: ReadonlySet<string>;
}

/** A stored file as the publishing engine needs it. */
export interface MediaFile extends Media {
  /** Absolute path of the stored copy (never modify it). */
  path: string;
  originalName: string;
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return error instanceof Error ? error.message : String(error);
}

/**
 * sha256 of a file read through one reused 1 MiB buffer: a stream would allocate a new buffer per
 * read, and for a 1 GB video that garbage costs GC pauses of 100 ms and more on the main thread.
 */
async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const file = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/**
 * A PDF is taken as bytes and never parsed (no page count, nothing rendered): it must start with
 * the `%PDF-` header (file-type found it there) and end with `%%EOF`, so a cut-off file is refused
 * at import instead of by LinkedIn after the upload.
 */
async function checkPdf(path: string, name: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(8);
    await file.read(head, 0, 8, 0);
    const tail = Buffer.alloc(Math.min(PDF_TAIL_BYTES, size));
    await file.read(tail, 0, tail.length, size - tail.length);
    if (!/^%PDF-\d\.\d/.test(head.toString('latin1')) || !tail.toString('latin1').includes('%%EOF')) {
      throw invalid('path', `${name} looks like a PDF but is incomplete or damaged (it has no end-of-file marker); export it again`);
    }
  } finally {
    await file.close();
  }
}

/** The media library: content-addressed copies under `<dataDir>/media/`. */
export function createMediaService(deps: {
  db: Db;
  dataDir: string;
  clock: Clock;
  posts: Pick<PostStore, 'postIdsUsingMedia' | 'mediaIdsInUse'>;
  /** Told when an item's unused count starts (a new import no post names yet): the sweep's timer may move. */
  onUnnamed?: () => void;
}) {
  const repo = createMediaRepo(deps.db);
  const mediaDir = join(deps.dataDir, 'media');
  const thumbsDir = join(mediaDir, 'thumbs');

  /** Stores a detected file: copies it in (once per content), reads image dimensions, records the row. */
  async function store(name: string, sha256: string, mime: string, ext: string, bytes: number, write: (to: string) => Promise<void>): Promise<Media> {
    const kind = SUPPORTED_MEDIA[mime];
    if (!kind) throw invalid('path', `${name} is not a supported image, video or PDF (it is ${mime}); use ${SUPPORTED_NAMES}`);
    const existing = repo.bySha(sha256);
    if (existing) {
      // Brought in again: the creator means to use it, so its unused days start over.
      repo.restartCount(existing.id, deps.clock.now());
      deps.onUnnamed?.();
      return toMedia(existing);
    }

    const file = `media/${sha256}.${ext}`;
    const target = join(deps.dataDir, file);
    const temp = join(mediaDir, `.import-${randomUUID()}`);
    await mkdir(mediaDir, { recursive: true });
    try {
      await write(temp);
      let width: number | null = null;
      let height: number | null = null;
      let facts: Partial<Omit<MediaRow, 'id'>> = {};
      if (kind === 'image') {
        try {
          const image = await readImageFacts(temp);
          // Dimensions as shown: EXIF-rotated photos swap width and height.
          ({ width, height } = image);
          facts = { frames: image.frames ?? 1, has_alpha: image.hasAlpha ? 1 : 0, color_space: image.colorSpace ?? null };
        } catch {
          throw invalid('path', `${name} looks like ${mime} but cannot be read as an image (damaged file?)`);
        }
      }
      if (kind === 'document') await checkPdf(temp, name);
      let video: VideoFacts | null = null;
      if (kind === 'video') {
        // Best effort: a video ffprobe cannot read still imports, without its facts (validation
        // then checks what it can, and the platform has the last word).
        video = await readVideoFacts(temp, { mime }).catch(() => null);
        if (video) {
          ({ width, height } = video);
          facts = { video_codec: video.videoCodec, audio_codec: video.audioCodec, frame_rate: video.frameRate, rotation: video.rotation, container: video.container };
        }
      }
      await rename(temp, target);
      const row: MediaRow = {
        id: randomUUID(),
        sha256,
        kind,
        mime,
        bytes,
        width,
        height,
        duration_ms: video?.durationMs ?? null,
        file,
        original_name: name.slice(0, 255),
        alt_text: '',
        created_at: deps.clock.now(),
        video_codec: null,
        audio_codec: null,
        frame_rate: null,
        rotation: null,
        container: null,
        frames: null,
        has_alpha: null,
        color_space: null,
        ...facts,
      };
      const stored = toMedia(repo.insert(row));
      deps.onUnnamed?.();
      return stored;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async function importFile(path: string): Promise<Media> {
    const name = basename(path) || path;
    if (!isAbsolute(path)) throw invalid('path', `must be the full path of a file (got ${name})`);
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw invalid('path', `cannot import ${name}: it is not a file`);
      size = info.size;
      // Opening proves it is readable before any work.
      await (await open(path, 'r')).close();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw invalid('path', `cannot read ${name}: ${reason(error)}`);
    }
    if (size === 0) throw invalid('path', `${name} is empty`);
    let type: Awaited<ReturnType<typeof fileTypeFromFile>>;
    let sha256: string;
    try {
      type = await (await fileType()).fileTypeFromFile(path);
      sha256 = await sha256OfFile(path);
    } catch (error) {
      throw invalid('path', `cannot read ${name}: ${reason(error)}`);
    }
    if (!type) throw invalid('path', `${name} is not a supported image or video (its type is not recognised); use ${SUPPORTED_NAMES}`);
    return store(name, sha256, type.mime, type.ext, size, async (to) => {
      try {
        await copyFile(path, to);
        // On disk before the row that points at it is committed (the database is synchronous=FULL;
        // the file it names must survive a power cut too). Flushed off the main thread.
        const copy = await open(to, 'r');
        try {
          await copy.datasync();
        } finally {
          await copy.close();
        }
      } catch (error) {
        throw invalid('path', `cannot copy ${name}: ${reason(error)}`);
      }
    });
  }

  async function importData(name: string, data: string): Promise<Media> {
    // Accept a data: URL as FileReader.readAsDataURL gives it.
    const base64 = data.replace(/^data:[^,]{0,200};base64,/, '');
    if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(base64)) throw invalid('data', `${name}: must be base64`);
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0) throw invalid('data', `${name} is empty`);
    const type = await (await fileType()).fileTypeFromBuffer(bytes);
    if (!type) throw new AppError('validation', `${name} is not a supported image or video; use ${SUPPORTED_NAMES}`, [{ path: 'data', message: `${name}: type not recognised; use ${SUPPORTED_NAMES}` }]);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (!SUPPORTED_MEDIA[type.mime]) throw invalid('data', `${name} is not a supported image or video (it is ${type.mime}); use ${SUPPORTED_NAMES}`);
    try {
      return await store(name, sha256, type.mime, type.ext, bytes.length, (to) => writeFile(to, bytes));
    } catch (error) {
      // store() names `path`; here the bytes came in `data`.
      if (error instanceof AppError && error.issues?.[0]?.path === 'path') throw invalid('data', error.issues[0].message);
      throw error;
    }
  }

  function mustGet(id: string): MediaRow {
    const row = repo.get(id);
    if (!row) throw notFound('Media', id);
    return row;
  }

  async function thumbnail(id: string, size: number): Promise<{ id: string; dataUrl: string }> {
    const row = mustGet(id);
    const cached = join(thumbsDir, `${row.sha256}-${size}.webp`);
    let out: Buffer;
    try {
      out = await readFile(cached);
    } catch {
      const sharp = await loadSharp();
      if (row.kind === 'image') {
        try {
          out = await sharp(join(deps.dataDir, row.file), { animated: false }).rotate().resize(size, size, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
        } catch (error) {
          throw new AppError('not_found', `The stored copy of media ${id} cannot be read: ${reason(error)}`);
        }
      } else if (row.kind === 'document') {
        // A PDF is never rendered (no parser for untrusted files): a page tile stands in.
        const u = size / 16;
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="#7f1d1d"/><path d="M${5 * u} ${3 * u}h${4 * u}l${2 * u} ${2 * u}v${8 * u}h-${6 * u}z" fill="#fef2f2"/><path d="M${6 * u} ${7 * u}h${4 * u}M${6 * u} ${9 * u}h${4 * u}M${6 * u} ${11 * u}h${3 * u}" stroke="#991b1b" stroke-width="${u / 2}"/></svg>`;
        out = await sharp(Buffer.from(svg)).webp({ quality: 70 }).toBuffer();
      } else {
        // No frame grabber yet (video decoding needs ffmpeg): a play-button tile stands in.
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="#1f2937"/><polygon points="${size * 0.38},${size * 0.3} ${size * 0.38},${size * 0.7} ${size * 0.72},${size * 0.5}" fill="#e5e7eb"/></svg>`;
        out = await sharp(Buffer.from(svg)).webp({ quality: 70 }).toBuffer();
      }
      await mkdir(thumbsDir, { recursive: true });
      await writeFile(cached, out).catch(() => undefined);
    }
    return { id, dataUrl: `data:image/webp;base64,${out.toString('base64')}` };
  }

  /** Deletes an unused item; its file (and cached previews) go when no other row shares the file. */
  async function remove(id: string): Promise<{ id: string }> {
    const row = mustGet(id);
    const users = deps.posts.postIdsUsingMedia(id);
    if (users.length > 0) {
      throw new AppError('conflict', `Media ${id} is used by ${users.length === 1 ? 'post' : 'posts'} ${users.join(', ')}; remove it from ${users.length === 1 ? 'that post' : 'those posts'} first`, [
        { path: 'id', message: `used by ${users.join(', ')}` },
      ]);
    }
    await removeRow(row);
    return { id };
  }

  async function removeRow(row: MediaRow): Promise<void> {
    const shared = repo.fileShared(row);
    repo.remove(row.id);
    if (!shared) {
      await rm(join(deps.dataDir, row.file), { force: true });
      const previews = await readdir(thumbsDir).catch(() => [] as string[]);
      await Promise.all(previews.filter((name) => name.startsWith(`${row.sha256}-`)).map((name) => rm(join(thumbsDir, name), { force: true })));
    }
  }

  /**
   * Settles the items posts stopped naming (migration 0015's triggers mark them): still named by
   * another post, or unnamed from now. Synchronous, so the moment is exact; cheap when none wait.
   */
  function settleUnnamed(): void {
    if (repo.unnamedCandidates() === 0) return;
    repo.resolveCandidates([...deps.posts.mediaIdsInUse()], deps.clock.now());
  }

  /** When the next item will have been unused for `UNUSED_MEDIA_DAYS`, or null when none is unused. */
  function nextUnusedDue(): number | null {
    const at = repo.earliestUnnamed();
    return at === null ? null : at + UNUSED_MEDIA_DAYS * DAY_MS;
  }

  /** The items no post or draft has named for `UNUSED_MEDIA_DAYS` (as media or as a video's cover), for `removeUnused`. */
  function staleUnused(): MediaRow[] {
    settleUnnamed();
    return repo.unnamedSince(deps.clock.now() - UNUSED_MEDIA_DAYS * DAY_MS);
  }

  /**
   * Removes the stale items, never one a post names again by now nor one `keep` lists (the kept
   * backups' media). Resolves with the removed ids.
   */
  async function removeUnused(stale: MediaRow[], options: { keep?: KeptMedia } = {}): Promise<{ removed: string[] }> {
    const removed: string[] = [];
    for (const row of stale) {
      const keep = options.keep;
      if (keep && (keep.ids.has(row.id) || keep.sha256?.has(row.sha256) || keep.files?.has(row.file))) continue;
      // Named again meanwhile, or already gone: the check and the row's delete run together (synchronous).
      if (!repo.get(row.id) || deps.posts.postIdsUsingMedia(row.id, 1).length > 0) continue;
      await removeRow(row);
      removed.push(row.id);
    }
    return { removed };
  }

  /** Removes what a crash left of imports (temp files older than a day). */
  async function removeLeftovers(): Promise<void> {
    const leftovers = await readdir(mediaDir).catch(() => [] as string[]);
    for (const name of leftovers.filter((n) => n.startsWith('.import-'))) {
      const path = join(mediaDir, name);
      const info = await stat(path).catch(() => null);
      // mtime is the file system's wall clock, not the engine's.
      if (info && info.mtimeMs < Date.now() - DAY_MS) await rm(path, { force: true });
    }
  }

  return {
    import: importFile,
    find: (sha256: string): Media | null => {
      const row = repo.bySha(sha256);
      return row ? toMedia(row) : null;
    },
    delete: remove,
    settleUnnamed,
    nextUnusedDue,
    staleUnused,
    removeUnused,
    removeLeftovers,
    importData,
    get: (id: string): Media => toMedia(mustGet(id)),
    thumbnail,
    /** Stored files for publishing, in the order asked; unknown ids are left out. */
    files(ids: string[]): MediaFile[] {
      const rows = new Map(repo.many(ids).map((r) => [r.id, r]));
      return ids.flatMap((id) => {
        const row = rows.get(id);
        return row ? [{ ...toMedia(row), path: join(deps.dataDir, row.file), originalName: row.original_name }] : [];
      });
    },
  };
}

/** The media service. */
export type MediaService = ReturnType<typeof createMediaService>;
