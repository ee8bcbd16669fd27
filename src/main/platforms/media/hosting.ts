// Public links from the creator's own S3-compatible bucket (AWS S3, Cloudflare R2, Backblaze B2,
// MinIO), for the platforms that fetch media from a URL instead of taking an upload (Instagram,
// Threads, TikTok photo posts): the fitted file goes up under Outbox's prefix, the platform gets a
// presigned GET link that expires, and the object is deleted once the platform has it. A sweep
// deletes what a crash left behind, only under the prefix.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { lazy } from '../lazy';
import type { PublicLinks } from '../types';

// The AWS SDK (hundreds of modules) loads with the first request to a bucket, never at start.
const s3 = lazy(() => import('@aws-sdk/client-s3'));
const libStorage = lazy(() => import('@aws-sdk/lib-storage'));
const presigner = lazy(() => import('@aws-sdk/s3-request-presigner'));

/** Where the creator's bucket is and how to sign in to it (the secret lives in the keychain). */
export interface BucketConfig {
  /** The S3 API address (R2: https://<account>.r2.cloudflarestorage.com); empty for AWS S3 itself. */
  endpoint?: string;
  /** AWS region, or what the provider asks for (R2: `auto`). */
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Outbox only ever writes, links and deletes under this prefix (default `outbox/`). */
  prefix?: string;
  /** Bucket in the path (MinIO and most self-hosted stores) instead of the host name. */
  forcePathStyle?: boolean;
}

/** A bad configuration value: `field` names it. */
export class BucketConfigError extends Error {
  constructor(
    readonly field: keyof BucketConfig,
    message: string,
  ) {
    super(message);
    this.name = 'BucketConfigError';
  }
}

/** Which step of the Test button failed. */
export type BucketTestStep = 'endpoint' | 'credentials' | 'bucket' | 'upload' | 'presigned' | 'delete';

/** What the Test button says: all good, or the step that failed and why in words. */
export type BucketTestResult = { ok: true; message: string } | { ok: false; step: BucketTestStep; message: string };

/** The creator's bucket as the adapters use it. */
export interface MediaHost {
  /** Uploads a file as a stream (multipart above 8 MiB) under the prefix; resolves with its key. */
  upload(path: string, options?: { contentType?: string; signal?: AbortSignal; onProgress?: (sent: number, total: number) => void }): Promise<{ key: string; bytes: number }>;
  /** A presigned GET link to an object, valid `expiresInSeconds` (default 60 minutes). */
  presign(key: string, expiresInSeconds?: number): Promise<string>;
  /** Deletes an object (also fine when it is already gone). */
  delete(key: string): Promise<void>;
  /** Deletes objects under the prefix older than `olderThanMs` (default a day); resolves with their keys. */
  sweep(options?: { olderThanMs?: number }): Promise<string[]>;
  /** Uploads, fetches through a presigned link and deletes a probe object; says exactly which step failed. */
  test(): Promise<BucketTestResult>;
  /** Closes the connections. */
  close(): void;
}

const DEFAULT_EXPIRY_SECONDS = 60 * 60;
const DAY_MS = 24 * 60 * 60 * 1000;
const PART_SIZE = 8 * 1024 * 1024;

/** Checks a configuration and returns it normalised (prefix ending in `/`); throws BucketConfigError naming the field. */
export function checkBucketConfig(config: BucketConfig): Required<Omit<BucketConfig, 'endpoint'>> & { endpoint: string } {
  const endpoint = (config.endpoint ?? '').trim();
  if (endpoint) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new BucketConfigError('endpoint', `endpoint must be the bucket service's address, like https://s3.example.com (got ${endpoint})`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BucketConfigError('endpoint', 'endpoint must start with https:// (or http:// for a server on your own network)');
  }
  if (!config.region.trim()) throw new BucketConfigError('region', 'region is required (R2 uses "auto")');
  const bucket = config.bucket.trim();
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$/.test(bucket)) throw new BucketConfigError('bucket', 'bucket must be 3 to 63 letters, digits, dots or hyphens');
  if (!config.accessKeyId.trim()) throw new BucketConfigError('accessKeyId', 'access key id is required');
  if (!config.secretAccessKey) throw new BucketConfigError('secretAccessKey', 'secret access key is required');
  let prefix = (config.prefix ?? 'outbox/').trim().replace(/^\/+/, '');
  if (!prefix) throw new BucketConfigError('prefix', 'prefix cannot be empty: Outbox deletes old objects under it, never elsewhere in the bucket');
  if (prefix.split('/').some((part) => part === '..' || part === '.')) throw new BucketConfigError('prefix', 'prefix cannot contain . or .. segments');
  if (!prefix.endsWith('/')) prefix += '/';
  return { endpoint, region: config.region.trim(), bucket, accessKeyId: config.accessKeyId.trim(), secretAccessKey: config.secretAccessKey, prefix, forcePathStyle: config.forcePathStyle ?? false };
}

/** Opens the creator's bucket (nothing is sent until a method is called). `now` signs links (tests move it). */
export function createMediaHost(input: BucketConfig, options: { now?: () => number } = {}): MediaHost {
  const config = checkBucketConfig(input);
  const now = options.now ?? Date.now;
  const { bucket, prefix } = config;
  const clientOf = lazy(async (): Promise<S3Client> => {
    const { S3Client } = await s3();
    const client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Since 3.729 the SDK adds CRC32 checksums to every upload, which R2, B2 and older MinIO
      // refuse; only where S3 requires them (https://github.com/aws/aws-sdk-js-v3/issues/6810).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
      maxAttempts: 3,
    });
    if (config.forcePathStyle) {
      // Bucket-level requests (listing) go to /bucket rather than /bucket/: some S3-compatible
      // servers canonicalise the path without the slash and then refuse the signature
      // (https://github.com/nginx/nginx-s3-gateway/pull/43); S3 itself takes both.
      client.middlewareStack.add(
        (next) => (args) => {
          const request = args.request as { path?: unknown };
          if (request.path === `/${bucket}/`) request.path = `/${bucket}`;
          return next(args);
        },
        { step: 'build', name: 'outboxBucketPath' },
      );
    }
    return client;
  });
  const own = (key: string) => {
    if (!key.startsWith(prefix)) throw new Error(`${key} is not under Outbox's prefix ${prefix}`);
    return key;
  };

  const host: MediaHost = {
    async upload(path, opts = {}) {
      const bytes = (await stat(path)).size;
      const ext = extname(path).toLowerCase().replace(/[^.a-z0-9]/g, '');
      const key = `${prefix}${new Date(now()).toISOString().slice(0, 10)}/${randomUUID()}${ext}`;
      const [{ Upload }, client] = await Promise.all([libStorage(), clientOf()]);
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: createReadStream(path, { highWaterMark: 1 << 20 }), ContentLength: bytes, ...(opts.contentType ? { ContentType: opts.contentType } : {}) },
        // Two parts of 8 MiB in flight at most: memory stays flat whatever the file size.
        partSize: PART_SIZE,
        queueSize: 2,
        leavePartsOnError: false,
      });
      if (opts.onProgress) upload.on('httpUploadProgress', (p) => opts.onProgress!(p.loaded ?? 0, bytes));
      const abort = () => void upload.abort().catch(() => undefined);
      opts.signal?.addEventListener('abort', abort, { once: true });
      try {
        await upload.done();
      } finally {
        opts.signal?.removeEventListener('abort', abort);
      }
      return { key, bytes };
    },
    async presign(key, expiresInSeconds = DEFAULT_EXPIRY_SECONDS) {
      const [{ getSignedUrl }, { GetObjectCommand }, client] = await Promise.all([presigner(), s3(), clientOf()]);
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: own(key) }), { expiresIn: expiresInSeconds, signingDate: new Date(now()) });
    },
    async delete(key) {
      const [{ DeleteObjectCommand }, client] = await Promise.all([s3(), clientOf()]);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: own(key) }));
    },
    async sweep(opts = {}) {
      const [{ DeleteObjectCommand, ListObjectsV2Command }, client] = await Promise.all([s3(), clientOf()]);
      const cutoff = now() - (opts.olderThanMs ?? DAY_MS);
      const old: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          if (object.Key && object.Key.startsWith(prefix) && object.LastModified && object.LastModified.getTime() < cutoff) old.push(object.Key);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      // One DELETE per object: DeleteObjects needs a checksum header some S3-compatible stores
      // refuse (https://github.com/aws/aws-sdk-js-v3/issues/6819), and sweeps are small.
      for (const key of old) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      return old;
    },
    async test() {
      const key = `${prefix}probe-${randomUUID()}.txt`;
      const body = `Outbox checks it can use this bucket (${new Date(now()).toISOString()})`;
      const where = config.endpoint || `AWS S3 (${config.region})`;
      let sdk: Awaited<ReturnType<typeof s3>>;
      let client: S3Client;
      try {
        [sdk, client] = await Promise.all([s3(), clientOf()]);
      } catch (error) {
        return { ok: false, step: 'endpoint', message: `The storage client could not be loaded (${reason(error)})` };
      }
      const { DeleteObjectCommand, PutObjectCommand } = sdk;
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain' }));
      } catch (error) {
        return failure(error, where);
      }
      let result: BucketTestResult = { ok: true, message: `Outbox can upload to ${bucket}, share presigned links and delete what it put there` };
      try {
        const url = await host.presign(key, 300);
        let response: Response;
        try {
          response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
        } catch (error) {
          throw new PresignedError(`the presigned link could not be opened (${reason(error)}); a public link must reach the same address`);
        }
        const text = await response.text();
        if (!response.ok) throw new PresignedError(`the bucket refused the presigned link (${response.status}${s3Code(text) ? ` ${s3Code(text)}` : ''}); platforms could not fetch your media`);
        if (text !== body) throw new PresignedError('the presigned link returned something else than the probe file');
      } catch (error) {
        result = { ok: false, step: 'presigned', message: error instanceof PresignedError ? capital(error.message) : `Presigning failed: ${reason(error)}` };
      }
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (result.ok) result = { ok: false, step: 'delete', message: `Outbox could not delete its probe file ${key} (${s3Name(error) ?? reason(error)}): the key needs permission to delete` };
      }
      return result;
    },
    close() {
      clientOf.loaded()?.destroy();
    },
  };
  return host;
}

class PresignedError extends Error {}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function s3Code(xml: string): string | null {
  return /<Code>([^<]+)<\/Code>/.exec(xml)?.[1] ?? null;
}

function s3Name(error: unknown): string | null {
  // An S3 error exists only once the SDK has loaded (it threw it).
  const S3ServiceException = s3.loaded()?.S3ServiceException;
  return S3ServiceException && error instanceof S3ServiceException ? error.name : null;
}

function reason(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return e?.code ?? e?.cause?.code ?? e?.message ?? String(error);
}

/** The first step's failure in words, sorted into what the creator has to fix. */
function failure(error: unknown, where: string): BucketTestResult {
  const name = s3Name(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (name === 'InvalidAccessKeyId') return { ok: false, step: 'credentials', message: 'The access key id is not known to the bucket service: check it in your provider\'s console' };
  if (name === 'SignatureDoesNotMatch') return { ok: false, step: 'credentials', message: 'The secret access key does not match the access key id: paste it again' };
  if (name === 'AccessDenied' || status === 403) return { ok: false, step: 'credentials', message: 'The key is not allowed to write to this bucket: give it read, write and delete access' };
  if (name === 'NoSuchBucket' || status === 404) return { ok: false, step: 'bucket', message: `There is no bucket with that name at ${where}` };
  if (name === 'RequestTimeTooSkewed') return { ok: false, step: 'credentials', message: "Your computer's clock is off by more than 15 minutes: the bucket refuses the signature" };
  if (!name && !status) return { ok: false, step: 'endpoint', message: `${where} cannot be reached (${reason(error)})` };
  return { ok: false, step: 'upload', message: `Uploading a probe file failed (${name ?? status}: ${(error as Error).message})` };
}

/** The publish context's view of a bucket: share a file behind a presigned link, and remove it after. */
export function publicLinksOf(host: MediaHost): PublicLinks {
  return {
    async share(path, options = {}) {
      const { key } = await host.upload(path, { contentType: options.contentType, signal: options.signal, onProgress: options.onProgress });
      return { key, url: await host.presign(key, options.expiresInSeconds) };
    },
    presign: (key, expiresInSeconds) => host.presign(key, expiresInSeconds),
    remove: (key) => host.delete(key),
  };
}
