import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApiFixture, type ApiFixture } from '../../support/api-fixture';
import { seeded } from '../../support/random';

const KEYS = ['content', 'platforms', 'accounts', 'scheduled_for', 'media', 'images', 'video', 'url', 'alt_text', 'thumbnail_url', '__proto__', 'constructor', 'status'];
const STRINGS = ['', 'x', 'bluesky', 'twitter', 'file:///etc/passwd', 'file:///dev/zero', 'http://127.0.0.1:1/a.png', '2020-01-01T00:00:00Z', '2099-01-01T00:00:00+02:00', 'not-a-date', '\u0000', '💥'.repeat(50), 'a'.repeat(400)];

function randomValue(next: () => number, depth = 0): unknown {
  switch (Math.floor(next() * (depth > 2 ? 6 : 8))) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return [0, -1, 1e308, 3.5][Math.floor(next() * 4)];
    case 3:
    case 4:
    case 5:
      return STRINGS[Math.floor(next() * STRINGS.length)];
    case 6:
      return Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 4); i > 0; i--) out[KEYS[Math.floor(next() * KEYS.length)]!] = randomValue(next, depth + 1);
      return out;
    }
  }
}

let f: ApiFixture;
let postId: string;
beforeAll(async () => {
  f = await makeApiFixture({ limits: { requestsPerMinute: 100_000 } });
  f.insertAccount('bluesky');
  const created = await f.call('POST', '/v1/posts', { content: 'target of PUTs' });
  postId = created.body.id;
});
afterAll(async () => f.dispose());

describe('random bodies', () => {
  it.each([
    ['POST', '/v1/posts'],
    ['PUT', '/v1/posts/ID'],
  ])('%s %s: 200 random JSON bodies never answer 500, and refused ones change nothing', async (method, path) => {
    const next = seeded(method.length * 7919 + path.length);
    for (let i = 0; i < 200; i++) {
      const body = next() < 0.8 ? { content: 'fuzz', ...(randomValue(next) as object) } : randomValue(next);
      const before = f.snapshot();
      const answer = await f.call(method, path.replace('ID', postId), JSON.stringify(body));
      expect([200, 201, 400, 404, 409, 413, 422], `${method} ${JSON.stringify(body)} -> ${answer.status} ${answer.text}`).toContain(answer.status);
      if (answer.status >= 400) {
        expect(answer.body.error).toEqual(expect.any(String));
        expect(f.snapshot(), `${JSON.stringify(body)} was refused but changed the database`).toBe(before);
      }
    }
  });

  it('every answer validates against the served OpenAPI document', async () => {
    expect(await f.openApiProblems()).toEqual([]);
  });
});
