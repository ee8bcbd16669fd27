// Media hosting against a real S3-compatible server (@20minutes/s3rver 4.0.x, which checks SigV4
// signatures, presigned ones included) on 127.0.0.1: upload (single and multipart), presigned
// links that work, a tampered or expired link refused with 403, delete, the sweep that removes
// only old objects under Outbox's prefix, and the Test button naming the step that failed.
import { createHash } from 'node:crypto';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BucketConfigError, checkBucketConfig, createMediaHost, type BucketConfig, type MediaHost } from '../../../../src/main/platforms/media/hosting';
import { tempDir } from '../../../support/core';
import { randomFile } from './clients';

const store = tempDir('outbox-s3rver-');
const files = tempDir('outbox-hosting-');
let server: S3rver;
let endpoint: string;
let config: BucketConfig;
let host: MediaHost;
let proxy: Server;
let proxyEndpoint: string;

beforeAll(async () => {
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: store.dir, configureBuckets: [{ name: 'creator-media' }] });
  const address = await server.run();
  endpoint = `http://127.0.0.1:${address.port}`;
  // s3rver's built-in account.
  config = { endpoint, region: 'us-east-1', bucket: 'creator-media', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: 'outbox/', forcePathStyle: true };
  host = createMediaHost(config);
  // A bucket in front of which presigned links are refused (as a bucket policy or a CDN rule can).
  proxy = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.includes('X-Amz-Signature')) {
      res.writeHead(403, { 'Content-Type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Query-string authentication is disabled</Message></Error>');
      return;
    }
    const upstream = request({ host: '127.0.0.1', port: address.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyEndpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  host?.close();
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => proxy?.close(() => resolve()));
  await server?.close();
  store.remove();
  files.remove();
});

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');
/** The file s3rver keeps an object in (its mtime is the object's LastModified). */
const objectFile = (key: string) => join(store.dir, 'creator-media', `${key}._S3rver_object`);

describe('upload, presigned link, delete', () => {
  it('a small image: uploaded under the prefix, fetched through its presigned link, then deleted', async () => {
    const path = join(files.dir, 'photo.jpg');
    writeFileSync(path, Buffer.from('not really a jpeg, but bytes are bytes'));
    const { key, bytes } = await host.upload(path, { contentType: 'image/jpeg' });
    expect(key).toMatch(/^outbox\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}\.jpg$/);
    expect(bytes).toBe(38);
    const url = await host.presign(key);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('3600'); // 60 minutes by default
    const got = await fetch(url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/jpeg');
    expect(await got.text()).toBe('not really a jpeg, but bytes are bytes');
    await host.delete(key);
    const gone = await fetch(await host.presign(key));
    expect(gone.status).toBe(404);
    await host.delete(key); // deleting again is fine
  });

  it('a 20 MB video goes up in 8 MiB parts (multipart) and comes back byte for byte', async () => {
    const path = join(files.dir, 'reel.mp4');
    const digest = await randomFile(path, 20 * 1024 * 1024 + 3);
    const progress: number[] = [];
    const { key } = await host.upload(path, { contentType: 'video/mp4', onProgress: (sent) => progress.push(sent) });
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toBe(20 * 1024 * 1024 + 3);
    const got = Buffer.from(await (await fetch(await host.presign(key, 600))).arrayBuffer());
    expect(sha(got)).toBe(digest);
    await host.delete(key);
  });

  it('a tampered presigned link and an expired one are refused with 403', async () => {
    const path = join(files.dir, 'secret.png');
    writeFileSync(path, Buffer.from('pixels'));
    const { key } = await host.upload(path);
    const url = new URL(await host.presign(key));
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}`);
    const tampered = await fetch(url);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    // Another object under the same signature: refused too.
    const other = new URL(await host.presign(key));
    other.pathname = other.pathname.replace(/\.png$/, '.jpg');
    expect((await fetch(other)).status).toBe(403);
    // Signed two hours ago with the default 60 minutes: expired.
    const past = createMediaHost(config, { now: () => Date.now() - 2 * 3600_000 });
    const expired = await fetch(await past.presign(key));
    past.close();
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
    // The untampered link still works.
    expect((await fetch(await host.presign(key))).status).toBe(200);
    await host.delete(key);
  });

  it('only keys under the prefix can be linked or deleted', async () => {
    await expect(host.presign('elsewhere/file.jpg')).rejects.toThrow(/not under Outbox's prefix outbox\//);
    await expect(host.delete('file.jpg')).rejects.toThrow(/not under Outbox's prefix/);
  });
});

describe('sweep', () => {
  it('removes objects older than a day under the prefix only', async () => {
    const path = join(files.dir, 'sweep.jpg');
    writeFileSync(path, Buffer.from('sweep me'));
    const oldOne = (await host.upload(path)).key;
    const fresh = (await host.upload(path)).key;
    // The same bucket used by something else: never touched, old or not.
    const neighbour = createMediaHost({ ...config, prefix: 'family-photos/' });
    const outside = (await neighbour.upload(path)).key;
    const lookalike = createMediaHost({ ...config, prefix: 'outbox-archive/' });
    const similar = (await lookalike.upload(path)).key;
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
    for (const key of [oldOne, outside, similar]) utimesSync(objectFile(key), twoDaysAgo, twoDaysAgo);

    expect(await host.sweep()).toEqual([oldOne]);
    expect((await fetch(await host.presign(oldOne))).status).toBe(404);
    expect((await fetch(await host.presign(fresh))).status).toBe(200);
    expect((await fetch(await neighbour.presign(outside))).status).toBe(200);
    expect((await fetch(await lookalike.presign(similar))).status).toBe(200);
    // With a shorter age, the fresh one goes too.
    expect(await host.sweep({ olderThanMs: -1 })).toEqual([fresh]);
    await neighbour.delete(outside);
    await lookalike.delete(similar);
    neighbour.close();
    lookalike.close();
  });
});

describe('test(): the Settings "Test" button', () => {
  const probe = async (over: Partial<BucketConfig>) => {
    const h = createMediaHost({ ...config, ...over });
    try {
      return await h.test();
    } finally {
      h.close();
    }
  };

  it('a working bucket passes, and the probe object is gone afterwards', async () => {
    expect(await probe({})).toEqual({ ok: true, message: 'Outbox can upload to creator-media, share presigned links and delete what it put there' });
    const left = (await host.sweep({ olderThanMs: -1 })).filter((k) => k.includes('probe-'));
    expect(left).toEqual([]);
  });

  it('says exactly what failed: credentials, bucket, endpoint, presigned link', async () => {
    expect(await probe({ secretAccessKey: 'wrong-secret' })).toEqual({ ok: false, step: 'credentials', message: 'The secret access key does not match the access key id: paste it again' });
    expect(await probe({ accessKeyId: 'NOBODY' })).toMatchObject({ ok: false, step: 'credentials', message: expect.stringContaining('access key id is not known') });
    expect(await probe({ bucket: 'no-such-bucket' })).toEqual({ ok: false, step: 'bucket', message: `There is no bucket with that name at ${endpoint}` });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadEndpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await probe({ endpoint: deadEndpoint })).toMatchObject({ ok: false, step: 'endpoint', message: expect.stringMatching(new RegExp(`^${deadEndpoint.replace(/[.]/g, '\\.')} cannot be reached \\(ECONNREFUSED\\)$`)) });
    expect(await probe({ endpoint: proxyEndpoint })).toEqual({ ok: false, step: 'presigned', message: 'The bucket refused the presigned link (403 AccessDenied); platforms could not fetch your media' });
  });
});

describe('configuration', () => {
  it('bad values are refused naming the field; the prefix is normalised', () => {
    const field = (over: Partial<BucketConfig>) => {
      try {
        checkBucketConfig({ ...config, ...over });
        return null;
      } catch (error) {
        return error instanceof BucketConfigError ? error.field : error;
      }
    };
    expect(field({ endpoint: 'not a url' })).toBe('endpoint');
    expect(field({ endpoint: 'ftp://files.example.com' })).toBe('endpoint');
    expect(field({ region: ' ' })).toBe('region');
    expect(field({ bucket: 'a' })).toBe('bucket');
    expect(field({ bucket: 'has spaces in it' })).toBe('bucket');
    expect(field({ accessKeyId: '' })).toBe('accessKeyId');
    expect(field({ secretAccessKey: '' })).toBe('secretAccessKey');
    expect(field({ prefix: '/' })).toBe('prefix');
    expect(field({ prefix: 'a/../b' })).toBe('prefix');
    expect(checkBucketConfig({ ...config, prefix: '/outbox/media' }).prefix).toBe('outbox/media/');
    expect(checkBucketConfig({ ...config, prefix: undefined }).prefix).toBe('outbox/');
    expect(checkBucketConfig({ ...config, endpoint: undefined }).endpoint).toBe('');
  });

  it('nothing in the bucket is read from disk after the upload: the original stays as it was', async () => {
    const path = join(files.dir, 'original.jpg');
    writeFileSync(path, Buffer.from('original bytes'));
    const before = sha(readFileSync(path));
    const { key } = await host.upload(path);
    await host.delete(key);
    expect(sha(readFileSync(path))).toBe(before);
  });
});
