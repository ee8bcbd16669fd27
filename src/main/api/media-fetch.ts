import { createHash } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { mkdtemp, open, realpath, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { once } from 'node:events';
import { BlockList, isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
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
  /** Media bytes on disk awaiting import, shared by every request of the server. */
  budget: ByteBudget;
  /** The creator's "allow local media URLs": http(s) may then reach this machine and the private network. */
  allowLocal: boolean;
  /** Where downloads are written before import; default: the OS temp folder. */
  tempDir?: string;
  /** Which resolved addresses count as public; default `isPublicAddress` (tests narrow it). */
  isPublicAddress?: (address: string) => boolean;
}

/** A media file copied to a private temp file, ready for `media:import`. */
export interface FetchedMedia {
  /** The name the URL gives it (the library keeps it as the original name). */
  name: string;
  /** The temp copy: import it, then call `release`. */
  path: string;
  sha256: string;
  bytes: number;
  /** Deletes the temp copy and gives its bytes back to the budget. Safe to call twice. */
  release(): Promise<void>;
}

/**
 * A count of media bytes held on disk by requests in flight, so concurrent requests cannot fill
 * the disk or the importer: past `limit`, a request is refused with 429 and may retry.
 */
export interface ByteBudget {
  /** Takes `n` bytes; false (and nothing taken) when that would pass the limit. */
  take(n: number): boolean;
  give(n: number): void;
  inUse(): number;
  readonly limit: number;
}

/** A budget of `limit` bytes. */
export function createByteBudget(limit: number): ByteBudget {
  let used = 0;
  return {
    limit,
    take(n) {
      if (used + n > limit) return false;
      used += n;
      return true;
    },
    give(n) {
      used = Math.max(0, used - n);
    },
    inUse: () => used,
  };
}

const MAX_REDIRECTS = 5;

// Addresses a media URL must not reach unless the creator allows local URLs: this machine,
// private networks (RFC 1918, unique-local), link-local (cloud metadata), CGNAT, multicast and
// reserved ranges. IPv4-mapped IPv6 addresses are judged by their IPv4 address.
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** True for an address on the public internet; false for loopback, private, link-local, unique-local and the like. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  const version = isIP(bare);
  if (version === 4) return !NOT_PUBLIC.check(bare, 'ipv4');
  if (version !== 6) return false;
  const mapped = /^(?:0{0,4}:){0,4}:?(?:0{0,4}:)?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return isPublicAddress(mapped[1]!);
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1]!, 16);
    const lo = parseInt(hexMapped[2]!, 16);
    return isPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return !NOT_PUBLIC.check(bare, 'ipv6');
}

function tooLarge(field: string, maxBytes: number): ApiError {
  const message = `is larger than ${Math.floor(maxBytes / (1024 * 1024))} MB`;
  return new ApiError(413, 'payload_too_large', `${field}: ${message}`, [{ path: field, message }]);
}

function overBudget(budget: ByteBudget): ApiError {
  return new ApiError(
    429,
    'rate_limited',
    `Outbox is already receiving ${Math.round(budget.limit / (1024 * 1024))} MB of media for other requests; retry in a few seconds`,
    undefined,
    { 'retry-after': '5' },
  );
}

function localRefused(field: string): ApiError {
  return invalidField(field, 'points to a local or private network address; Outbox fetches those only when "Allow local media URLs" is on (Settings, Automation API)');
}

/** A file name safe to create inside a private temp folder. */
function safeName(pathname: string): string {
  let name = '';
  try {
    name = basename(decodeURIComponent(pathname));
  } catch {
    name = basename(pathname);
  }
  name = name.replace(/[^\p{L}\p{N} ._()+-]/gu, '_').slice(-200);
  return name === '' || name.startsWith('.') ? `media${name}` : name;
}

/** Thrown from the DNS hook when a host name resolves to an address that is not allowed. */
class LocalAddressError extends Error {}

/**
 * Reads the file a request names into a private temp file, streaming (never the whole file in
 * memory): `http(s)://` is downloaded within the size and time limits, following at most five
 * redirects, each hop's resolved address checked; `file://` must be a regular file inside the
 * home folder, never hidden, a device, FIFO or socket. Bytes count against `budget` until the
 * caller releases the file. Throws an ApiError naming `field`.
 */
export async function fetchMedia(url: string, field: string, options: MediaFetchOptions): Promise<FetchedMedia> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidField(field, 'is not a URL');
  }
  if (parsed.protocol !== 'file:' && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidField(field, 'must be an http://, https:// or file:// URL');
  }
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'outbox-api-media-'));
  const path = join(dir, safeName(parsed.pathname));
  const held = { bytes: 0 };
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    options.budget.give(held.bytes);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const { sha256, bytes } = parsed.protocol === 'file:' ? await readHomeFile(parsed, field, path, held, options) : await download(parsed, field, path, held, options);
    return { name: basename(path), path, sha256, bytes, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * Copies `source` into `path`, hashing as it goes and counting every chunk against the size
 * limit and the shared budget. Resolves with the sha256 and size.
 */
async function copyCounted(source: Readable, path: string, field: string, held: { bytes: number }, options: MediaFetchOptions): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > options.maxBytes) throw tooLarge(field, options.maxBytes);
      if (!options.budget.take(chunk.length)) throw overBudget(options.budget);
      held.bytes += chunk.length;
      hash.update(chunk);
      // events.once rejects on 'error' and removes both listeners either way.
      if (!out.write(chunk)) await once(out, 'drain');
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  } catch (error) {
    source.destroy();
    out.destroy();
    throw error;
  }
  if (total === 0) throw invalidField(field, 'is empty');
  return { sha256: hash.digest('hex'), bytes: total };
}

async function download(url: URL, field: string, path: string, held: { bytes: number }, options: MediaFetchOptions): Promise<{ sha256: string; bytes: number }> {
  const allowed = (address: string) => options.allowLocal || (options.isPublicAddress ?? isPublicAddress)(address);
  let timedOut = false;
  let current: { destroy(): void } | null = null;
  const timer = options.clock.setTimeout(() => {
    timedOut = true;
    current?.destroy();
  }, options.timeoutMs);
  try {
    let target = url;
    for (let hop = 0; ; hop++) {
      const response = await requestOnce(target, field, allowed, (req) => (current = req));
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if ([301, 302, 303, 307, 308].includes(status) && location) {
        response.resume();
        if (hop >= MAX_REDIRECTS) throw invalidField(field, `could not be fetched: more than ${MAX_REDIRECTS} redirects`);
        let next: URL;
        try {
          next = new URL(location, target);
        } catch {
          throw invalidField(field, 'could not be fetched: the server redirected to an invalid address');
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') throw invalidField(field, 'could not be fetched: the server redirected away from http(s)');
        target = next;
        continue;
      }
      if (status < 200 || status > 299) {
        response.resume();
        throw invalidField(field, `could not be fetched: the server answered HTTP ${status}`);
      }
      const declared = Number(response.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        response.destroy();
        throw tooLarge(field, options.maxBytes);
      }
      current = response;
      return await copyCounted(response, path, field, held, options);
    }
  } catch (error) {
    if (error instanceof LocalAddressError) throw localRefused(field);
    if (timedOut) throw invalidField(field, `took longer than ${Math.round(options.timeoutMs / 1000)} s to download`);
    if (error instanceof ApiError) throw error;
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw invalidField(field, 'could not be fetched: the host name does not resolve');
    throw invalidField(field, `could not be fetched: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    timer.cancel();
  }
}

/** One GET, its address checked before any byte is sent (IP literals here, host names in the DNS hook). */
function requestOnce(url: URL, field: string, allowed: (address: string) => boolean, track: (req: { destroy(): void }) => void): Promise<IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !allowed(host)) return Promise.reject(new LocalAddressError());
  // Resolving here, and connecting to what was resolved, leaves no gap for DNS rebinding.
  const lookup = (hostname: string, opts: object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...opts, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      if (list.length === 0 || list.some((a) => !allowed(a.address))) return callback(new LocalAddressError(), '', 0);
      if ((opts as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', headers: { accept: 'image/*, video/*', 'user-agent': 'Outbox' }, lookup: lookup as never }, resolve);
    track(req);
    req.on('error', (error) => reject((error as { cause?: unknown }).cause instanceof LocalAddressError ? new LocalAddressError() : error));
    req.end();
  });
}

function isInside(folder: string, path: string): boolean {
  return path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

function hasHiddenSegment(home: string, path: string): boolean {
  return relative(home, path)
    .split(sep)
    .some((segment) => segment.startsWith('.'));
}

async function readHomeFile(url: URL, field: string, path: string, held: { bytes: number }, options: MediaFetchOptions): Promise<{ sha256: string; bytes: number }> {
  if (url.host !== '' && url.host !== 'localhost') throw invalidField(field, 'must name a file on this machine (file:///...)');
  let wanted: string;
  try {
    wanted = fileURLToPath(url);
  } catch {
    throw invalidField(field, 'is not a valid file:// URL');
  }
  if (!isAbsolute(wanted)) throw invalidField(field, 'is not a valid file:// URL');
  const home = await realpath(options.homeDir);
  // Judged on the path as written first, so nothing outside home (or hidden) is even looked at:
  // the answer cannot tell whether such a path exists.
  if (!isInside(home, wanted) && !isInside(options.homeDir, wanted)) throw invalidField(field, 'must be a file inside your home folder');
  if (hasHiddenSegment(isInside(home, wanted) ? home : options.homeDir, wanted)) throw invalidField(field, 'must not be a hidden file or inside a hidden folder');
  let real: string;
  try {
    // Resolves every symlink, so a link inside home that points outside is judged by its target.
    real = await realpath(wanted);
  } catch {
    throw invalidField(field, 'names a file that does not exist');
  }
  if (!isInside(home, real)) throw invalidField(field, 'must be a file inside your home folder');
  if (hasHiddenSegment(home, real)) throw invalidField(field, 'must not be a hidden file or inside a hidden folder');
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
    // Copied from the opened handle: what was checked is what is read.
    return await copyCounted(handle.createReadStream({ autoClose: false, start: 0 }), path, field, held, options);
  } finally {
    await handle.close();
  }
}
