import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApiFixture, rawRequest, type ApiFixture } from '../../support/api-fixture';

// A 1x1 PNG: enough for a media URL to be worth importing if a check let it through.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let f: ApiFixture;
beforeAll(async () => {
  f = await makeApiFixture({ limits: { maxBodyBytes: 64 * 1024 } });
});
afterAll(async () => f.dispose());

const validPost = { content: 'Hello from a script' };

function mediaFiles(): string[] {
  return readdirSync(join(f.t.dataDir, 'media'));
}

/** Runs `send`, and checks the answer is refused with `status` and that nothing was stored. */
async function refused(status: number, send: () => Promise<{ status: number; body: any; headers: Record<string, unknown> }>) {
  const before = f.snapshot();
  const media = mediaFiles();
  const answer = await send();
  expect(answer.status).toBe(status);
  expect(answer.body?.code, JSON.stringify(answer.body)).toEqual(expect.any(String));
  expect(answer.body.error).toEqual(expect.any(String));
  expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  expect(f.snapshot()).toBe(before);
  expect(mediaFiles()).toEqual(media);
  return answer;
}

describe('the token', () => {
  it('a request without a token is 401 with a JSON error and changes nothing', async () => {
    const answer = await refused(401, () => f.call('POST', '/v1/posts', validPost, { authorization: '' }));
    expect(answer.body.code).toBe('unauthorized');
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('a wrong token is 401 and changes nothing', async () => {
    await refused(401, () => f.call('POST', '/v1/posts', validPost, { authorization: `Bearer ${f.token.slice(0, -1)}x` }));
    await refused(401, () => f.call('POST', '/v1/posts', validPost, { authorization: 'Bearer obx_' }));
    await refused(401, () => f.call('POST', '/v1/posts', validPost, { authorization: `Basic ${Buffer.from(`u:${f.token}`).toString('base64')}` }));
    await refused(401, () => f.call('GET', '/v1/openapi.json', undefined, { authorization: `Bearer ${f.token}${f.token}` }));
  });

  it('regenerating the token revokes the old one at once', async () => {
    const old = f.token;
    const next = await f.t.core.invoke('api:regenerateToken');
    if (!next.ok) throw new Error(next.error.message);
    try {
      await refused(401, () => f.call('GET', '/v1/openapi.json', undefined, { authorization: `Bearer ${old}` }));
      expect((await f.call('GET', '/v1/openapi.json', undefined, { authorization: `Bearer ${next.value.token}` })).status).toBe(200);
    } finally {
      await f.t.secrets.set('api:token', old);
    }
  });

  it('with no token generated yet, every request is 401 and says how to get one', async () => {
    await f.t.secrets.delete('api:token');
    try {
      const answer = await refused(401, () => f.call('GET', '/v1/posts'));
      expect(answer.body.error).toMatch(/generate one/);
    } finally {
      await f.t.secrets.set('api:token', f.token);
    }
  });
});

describe('Host and Origin', () => {
  it.each(['evil.example:PORT', 'rebind.attacker.test', '127.0.0.1', '127.0.0.1:1', 'localhost', '[::1]:PORT', '127.0.0.2:PORT'])(
    'a Host of %s is refused with 403 and changes nothing',
    async (host) => {
      const answer = await refused(403, () => f.call('POST', '/v1/posts', validPost, { host: host.replace('PORT', String(f.server.port)) }));
      expect(answer.body.code).toBe('forbidden');
    },
  );

  it('localhost:<port> is an accepted Host', async () => {
    expect((await f.call('GET', '/v1/openapi.json', undefined, { host: `localhost:${f.server.port}` })).status).toBe(200);
  });

  it.each(['https://evil.example', 'null', 'http://127.0.0.1:PORT'])('a request with Origin %s is refused, even with the right token', async (origin) => {
    await refused(403, () => f.call('POST', '/v1/posts', validPost, { origin: origin.replace('PORT', String(f.server.port)) }));
  });

  it('a CORS preflight is refused and answers no CORS headers', async () => {
    const answer = await refused(403, () =>
      rawRequest(f.server.port, {
        method: 'OPTIONS',
        path: '/v1/posts',
        headers: { host: `127.0.0.1:${f.server.port}`, origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      }),
    );
    expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

describe('the body size limit', () => {
  it('a body over the limit is 413 and changes nothing (declared length)', async () => {
    const answer = await refused(413, () => f.call('POST', '/v1/posts', { content: 'x'.repeat(70 * 1024) }));
    expect(answer.body.code).toBe('payload_too_large');
  });

  it('a body over the limit is 413 and changes nothing (chunked, no declared length)', async () => {
    const { request } = await import('node:http');
    const answer = await refused(413, () => {
      return new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: f.server.port, method: 'POST', path: '/v1/posts', headers: { host: `127.0.0.1:${f.server.port}`, authorization: `Bearer ${f.token}`, 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), headers: res.headers }));
          },
        );
        req.on('error', reject);
        req.write('{"content":"');
        for (let i = 0; i < 10; i++) req.write('y'.repeat(10 * 1024));
        req.end('"}');
      });
    });
    expect(answer.body.code).toBe('payload_too_large');
  });
});

describe('the rate limit', () => {
  it('past the limit a minute, requests are 429 with Retry-After until the minute is over', async () => {
    const limited = await makeApiFixture({ limits: { requestsPerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.call('GET', '/v1/openapi.json')).status).toBe(200);
      const before = limited.snapshot();
      const answer = await limited.call('POST', '/v1/posts', validPost);
      expect(answer.status).toBe(429);
      expect(answer.body.code).toBe('rate_limited');
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.snapshot()).toBe(before);
      await limited.t.clock.advance(60_000);
      expect((await limited.call('GET', '/v1/openapi.json')).status).toBe(200);
    } finally {
      await limited.dispose();
    }
  });
});

describe('file:// media', () => {
  const image = (url: string) => ({ content: 'with media', media: { images: [{ url, alt_text: 'a dot' }] } });

  async function refusedFile(url: string, pattern: RegExp) {
    const answer = await refused(422, () => f.call('POST', '/v1/posts', image(url)));
    expect(answer.body.details.issues).toEqual([{ path: 'media.images.0.url', message: expect.stringMatching(pattern) }]);
  }

  it('a file outside the home folder is refused and nothing is stored', async () => {
    await refusedFile('file:///etc/hostname', /inside your home folder/);
  });

  it('a device is refused and nothing is stored', async () => {
    await refusedFile('file:///dev/zero', /inside your home folder/);
  });

  it('a symlink inside home pointing at a device is refused', async () => {
    symlinkSync('/dev/zero', join(f.home, 'zero.png'));
    await refusedFile(pathToFileURL(join(f.home, 'zero.png')).href, /inside your home folder/);
  });

  it('a symlink inside home pointing outside it is refused', async () => {
    symlinkSync('/etc/hostname', join(f.home, 'escape.png'));
    await refusedFile(pathToFileURL(join(f.home, 'escape.png')).href, /inside your home folder/);
  });

  it('a path that climbs out of home with .. is refused', async () => {
    // As many `..` as home is deep, so the path reaches /etc/hostname wherever the temp folder is.
    const depth = f.home.split('/').filter(Boolean).length;
    const climbing = `${pathToFileURL(f.home).href}${'/..'.repeat(depth)}/etc/hostname`;
    expect(new URL(climbing).pathname).toBe('/etc/hostname');
    await refusedFile(climbing, /inside your home folder/);
  });

  it('a FIFO inside home is refused without waiting for a writer', async () => {
    execFileSync('mkfifo', [join(f.home, 'pipe.png')]);
    await refusedFile(pathToFileURL(join(f.home, 'pipe.png')).href, /regular file/);
  });

  it('a folder inside home is refused', async () => {
    mkdirSync(join(f.home, 'Pictures'), { recursive: true });
    await refusedFile(pathToFileURL(join(f.home, 'Pictures')).href, /regular file/);
  });

  it('a hidden file or folder inside home is refused', async () => {
    mkdirSync(join(f.home, '.ssh'), { recursive: true });
    writeFileSync(join(f.home, '.ssh', 'id.png'), PNG);
    await refusedFile(pathToFileURL(join(f.home, '.ssh', 'id.png')).href, /hidden/);
  });

  it('a missing file and a remote file:// host are refused', async () => {
    await refusedFile(pathToFileURL(join(f.home, 'nope.png')).href, /does not exist/);
    await refusedFile('file://fileserver.example/share/a.png', /this machine/);
  });

  it('a file over the media size limit is 413 and nothing is stored', async () => {
    const small = await makeApiFixture({ limits: { maxMediaBytes: 10 } });
    try {
      writeFileSync(join(small.home, 'big.png'), PNG);
      const before = small.snapshot();
      const answer = await small.call('POST', '/v1/posts', image(pathToFileURL(join(small.home, 'big.png')).href));
      expect(answer.status).toBe(413);
      expect(answer.body.details.issues[0].path).toBe('media.images.0.url');
      expect(small.snapshot()).toBe(before);
    } finally {
      await small.dispose();
    }
  });
});

describe('the OpenAPI document', () => {
  it('documents every refusal above, and each answer validates against it', async () => {
    expect(f.answers.length).toBeGreaterThan(20);
    expect(await f.openApiProblems()).toEqual([]);
  });
});
