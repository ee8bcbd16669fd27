import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCore } from '../../../support/core';
import { snapshotDatabase } from '../../../support/core';
import { insertMedia, postsCore, setEntry, setPostStatus } from './helpers';
import { seeded } from '../../../support/random';

// Structured fuzzing: payloads with the right shape but random values, which the contract's
// schema lets through to the posts service, unlike the generic contract fuzz.

const TEXTS = ['', ' ', 'hello', '日本語のテキスト', '👨‍👩‍👧‍👦'.repeat(80), 'e\u0301'.repeat(400), 'a'.repeat(3000), 'see https://example.com/x', '@bob@mastodon.social hi', "'; DROP TABLE posts; --", '"quoted" NEAR(x) *'];
const CONTENT_TYPES = [undefined, 'x_post', 'instagram_reel', 'instagram_carousel', 'tiktok_video', 'youtube_short', 'nonsense', 'pinterest_pin'];
const SETTINGS = [undefined, {}, { replySettings: 'following' }, { visibility: 'unlisted' }, { title: 'T', madeForKids: false }, { privacyLevel: 'SELF_ONLY', brandedContent: true }, { boardId: 'b' }, { poll: { options: ['a', 'b'], expiresIn: 600 } }, { postType: 'reel' }, { nope: 1 }, { title: 5 }];

let t: TestCore;
let accounts: string[];
let media: string[];
beforeAll(async () => {
  const s = await postsCore([{ platform: 'x' }, { platform: 'bluesky' }, { platform: 'mastodon' }, { platform: 'instagram' }, { platform: 'youtube' }, { platform: 'tiktok' }, { platform: 'telegram' }, { platform: 'pinterest' }]);
  t = s.t;
  accounts = s.ids;
  media = [insertMedia(t.dataDir, { kind: 'image', bytes: 500_000 }), insertMedia(t.dataDir, { kind: 'image', bytes: 9_000_000 }), insertMedia(t.dataDir, { kind: 'video', bytes: 50_000_000 })];
});
afterAll(async () => t.dispose());

describe('posts channels with well-shaped random payloads', () => {
  it('never answer internal; refusals change nothing; accepted posts read back as written', async () => {
    const next = seeded(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const db = join(t.dataDir, 'outbox.db');
    const postIds: string[] = [];
    const labelIds: string[] = [];
    const randomParts = () => Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ text: pick(TEXTS), media: next() < 0.4 ? [{ mediaId: next() < 0.9 ? pick(media) : 'ghost', altText: next() < 0.1 ? 'a'.repeat(2000) : '' }] : [] }));
    const randomTargets = () => {
      if (next() < 0.2) return undefined;
      const ids = accounts.filter(() => next() < 0.5);
      if (next() < 0.1) ids.push('ghost');
      if (next() < 0.05 && ids[0]) ids.push(ids[0]);
      return ids.map((accountId) => ({ accountId, contentType: pick(CONTENT_TYPES), settings: pick(SETTINGS), enabled: next() < 0.9, textOverride: next() < 0.2 ? pick(TEXTS) : undefined }));
    };
    const randomTime = () => new Date(t.clock.now() + Math.floor((next() - 0.2) * 30 * 86_400_000)).toISOString();
    const schedules = () => pick([{ mode: 'draft' }, { mode: 'at', at: randomTime() }, { mode: 'now' }, { mode: 'queue' }] as const);

    for (let i = 0; i < 400; i++) {
      const op = Math.floor(next() * 7);
      let channel: string;
      let payload: unknown;
      switch (op) {
        case 0:
        case 1:
          channel = 'posts:create';
          payload = { parts: randomParts(), targets: randomTargets(), labelIds: next() < 0.3 ? [pick([...labelIds, 'ghost'])] : [], schedule: schedules(), repeat: next() < 0.1 ? { count: 3, every: 1, unit: 'days' } : undefined };
          break;
        case 2:
          channel = 'posts:update';
          payload = {
            id: next() < 0.9 && postIds.length ? pick(postIds) : 'ghost',
            parts: next() < 0.5 ? randomParts() : undefined,
            targets: next() < 0.5 ? randomTargets() : undefined,
            scheduledAt: next() < 0.3 ? randomTime() : next() < 0.2 ? null : undefined,
          };
          break;
        case 3:
          channel = pick(['posts:delete', 'posts:duplicate', 'posts:get']);
          payload = { id: postIds.length ? pick(postIds) : 'ghost' };
          break;
        case 4:
          channel = 'posts:list';
          payload = { query: next() < 0.5 ? pick(TEXTS).slice(0, 500) : undefined, from: next() < 0.3 ? randomTime() : undefined, accountId: next() < 0.2 ? pick(accounts) : undefined, limit: 1 + Math.floor(next() * 100) };
          break;
        case 5:
          channel = 'posts:validate';
          payload = { parts: randomParts(), targets: randomTargets() ?? [] };
          break;
        default: {
          channel = 'labels:create';
          payload = { name: `L${Math.floor(next() * 20)}`, color: '#123456' };
          // Move a post along as the engine would, so locked-entry rules get exercised.
          if (postIds.length && next() < 0.5) {
            const id = pick(postIds);
            const got = await t.core.invoke('posts:get', { id });
            if (got.ok && got.value.entries[0]) {
              setPostStatus(t.dataDir, id, pick(['partially_published', 'failed', 'published']));
              setEntry(t.dataDir, got.value.entries[0].id, { status: 'published', platform_post_id: 'p' });
            }
          }
        }
      }
      const before = snapshotDatabase(db);
      const r = await t.core.invoke(channel as never, payload as never);
      if (!r.ok) {
        expect(r.error.code, `${channel} ${JSON.stringify(payload).slice(0, 300)}: ${r.error.message}`).not.toBe('internal');
        expect(snapshotDatabase(db), `${channel} changed the database while refusing`).toBe(before);
        continue;
      }
      const v = r.value as Record<string, unknown>;
      if (channel === 'labels:create') labelIds.push((v as { id: string }).id);
      if (channel === 'posts:create' || channel === 'posts:update') {
        const post = (v as { post: { id: string; parts: unknown } }).post;
        if (channel === 'posts:create') postIds.push(post.id);
        const back = await t.core.invoke('posts:get', { id: post.id });
        expect(back.ok && back.value).toEqual(post);
      }
      if (channel === 'posts:duplicate') postIds.push((v as { id: string }).id);
    }
    expect(postIds.length).toBeGreaterThan(20);
  });
});
