import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { basename, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../core/ports/ports';
import { ApiError, invalidField } from './api-error';

/** Limits and places for fetching the media a request names by URL. */
export interface MediaFetchOptions {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Longest a download may take, in milliseconds (measured on `clock`). */
  timeoutMs: number;
  /** Only `file://` URLs inside this folder are read (the creator's home). */
  homeDir: string;
  clock: Clock;
}

/** A media file read into memory, ready for `media:importData`. */
export interface FetchedMedia {
  name: string;
  data: Buffer;
}

function tooLarge(field: string, maxBytes: number): ApiError {
  const message = `is larger than ${Math.floor(maxBytes / (1024 * 1024))} MB`;
  return new ApiError(413, 'payload_too_large', `${field}: ${message}`, [{ path: field, message }]);
}

function nameFrom(pathname: string): string {
  let name = '';
  try {
    name = basename(decodeURIComponent(pathname));
  } catch {
    name = basename(pathname);
  }
  return (name || 'media').slice(-200);
}

/**
 * Reads the file a request names: `http(s)://` is downloaded within the size and time limits;
 * `file://` must resolve (symlinks followed) to a regular file inside the home folder, never a
 * hidden path, device, FIFO or socket. Nothing is stored here: the caller imports the bytes.
 * Throws an ApiError naming `field`.
 */
export async function fetchMedia(url: string, field: string, options: MediaFetchOptions): Promise<FetchedMedia> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidField(field, 'is not a URL');
  }
  if (parsed.protocol === 'file:') return readHomeFile(parsed, field, options);
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return download(parsed, field, options);
  throw invalidField(field, 'must be an http://, https:// or file:// URL');
}

async function download(url: URL, field: string, options: MediaFetchOptions): Promise<FetchedMedia> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = options.clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow', headers: { accept: 'image/*, video/*' } });
    if (!response.ok) {
      controller.abort();
      throw invalidField(field, `could not be fetched: the server answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      controller.abort();
      throw tooLarge(field, options.maxBytes);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > options.maxBytes) {
          controller.abort();
          throw tooLarge(field, options.maxBytes);
        }
        chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      }
    }
    if (total === 0) throw invalidField(field, 'is empty');
    return { name: nameFrom(url.pathname), data: Buffer.concat(chunks, total) };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (timedOut) throw invalidField(field, `took longer than ${Math.round(options.timeoutMs / 1000)} s to download`);
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw invalidField(field, `could not be fetched: ${cause}`);
  } finally {
    timer.cancel();
  }
}

function isInside(folder: string, path: string): boolean {
  return path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

async function readHomeFile(url: URL, field: string, options: MediaFetchOptions): Promise<FetchedMedia> {
  if (url.host !== '' && url.host !== 'localhost') throw invalidField(field, 'must name a file on this machine (file:///...)');
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    throw invalidField(field, 'is not a valid file:// URL');
  }
  const home = await realpath(options.homeDir);
  let real: string;
  try {
    // Resolves every symlink, so a link inside home that points outside is judged by its target.
    real = await realpath(path);
  } catch {
    throw invalidField(field, 'names a file that does not exist');
  }
  if (!isInside(home, real)) throw invalidField(field, 'must be a file inside your home folder');
  if (relative(home, real).split(sep).some((segment) => segment.startsWith('.'))) {
    throw invalidField(field, 'must not be a hidden file or inside a hidden folder');
  }
  // O_NOFOLLOW: the path was just resolved, so a symlink here means it changed under us.
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  let handle;
  try {
    handle = await open(real, flags);
  } catch {
    throw invalidField(field, 'cannot be read');
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw invalidField(field, 'must be a regular file (not a device, FIFO, socket or folder)');
    if (stat.size > options.maxBytes) throw tooLarge(field, options.maxBytes);
    if (stat.size === 0) throw invalidField(field, 'is empty');
    const data = Buffer.alloc(stat.size);
    let offset = 0;
    while (offset < data.length) {
      const { bytesRead } = await handle.read(data, offset, data.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return { name: nameFrom(url.pathname), data: data.subarray(0, offset) };
  } finally {
    await handle.close();
  }
}
