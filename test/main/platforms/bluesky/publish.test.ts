import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import sharp from 'sharp';
import { blueskyConnector } from '../../../../src/main/platforms/bluesky/auth';
import { readLinkCard } from '../../../../src/main/platforms/bluesky/link-card';
import { blueskyAdapter, createBlueskyAdapter } from '../../../../src/main/platforms/bluesky/publish';
import { type ConnectedAccount } from '../../../../src/main/platforms/types';
import { PublishError } from '../../../../src/main/platforms/types';
import { startPds, type PdsAccount, type TestPds } from '../../../support/pds';
import { tempDir } from '../../../support/core';
import { connectContext, imageFile, mp4File, publishContext, sha256, TestProgress } from './context';
import { ARTICLE, startOgServer, type OgServer } from './og-server';

// One real PDS for the file (startup is slow); every test posts as its own account.
let pds: TestPds;
let og: OgServer;
let files: { dir: string; remove: () => void };
let bob: PdsAccount;
let seq = 0;

beforeAll(async () => {
  [pds, og] = await Promise.all([startPds(), startOgServer()]);
  files = tempDir('outbox-bsky-');
  bob = await pds.createAccount('bob.test');
});

afterAll(async () => {
  await Promise.all([pds?.close(), og?.close()]);
  files?.remove();
});

/** A fresh account connected the way Outbox connects it (connector + app password). */
async function connected(): Promise<{ account: PdsAccount; connected: ConnectedAccount }> {
  seq += 1;
  const account = await pds.createAccount(`poster${seq}.test`);
  const result = await blueskyConnector.connect({ identifier: account.handle, appPassword: account.appPassword, service: pds.service }, connectContext());
  if (!('secrets' in result)) throw new Error('expected an account');
  return { account, connected: result };
}

/** A blob's CID as read back through getRecord (a CID object) or as plain JSON ({ $link }). */
const cidOf = (blob: unknown): string => {
  const ref = (blob as { ref: { $link?: string; toString(): string } }).ref;
  return ref.$link ?? ref.toString();
};

const byteRange = (text: string, part: string) => {
  const at = text.indexOf(part);
  const byteStart = Buffer.byteLength(text.slice(0, at));
  return { byteStart, byteEnd: byteStart + Buffer.byteLength(part) };
};

describe('bluesky publish against a real PDS', () => {
  test('text gets facets with UTF-8 byte ranges: the mention resolved to its DID, the link and the tag; languages from settings', async () => {
    const { account, connected: acc } = await connected();
    const text = 'Grüße 👋 @bob.test, read example.com/guide?x=1 and https://outbox.example/docs #outbox @nobody.test';
    const ctx = publishContext({ secrets: acc.secrets, parts: [{ text, media: [] }], settings: { languages: ['de', 'en'], linkCard: false } });
    const result = await blueskyAdapter.publish(ctx);

    const rkey = result.platformPostId.split('/').pop()!;
    expect(result.platformPostId).toBe(`at://${account.did}/app.bsky.feed.post/${rkey}`);
    expect(result.platformUrl).toBe(`https://bsky.app/profile/${account.handle}/post/${rkey}`);
    const record = await pds.getRecord(result.platformPostId);
    expect(record.value.text).toBe(text);
    expect(record.value.langs).toEqual(['de', 'en']);
    expect(record.value.embed).toBeUndefined();
    const facets = record.value.facets as Array<{ index: { byteStart: number; byteEnd: number }; features: Array<Record<string, unknown>> }>;
    // (@atproto/api sets the facet-level $type on some facets only; it is optional in the lexicon.)
    expect(facets.map(({ index, features }) => ({ index, features }))).toEqual([
      { index: byteRange(text, '@bob.test'), features: [{ $type: 'app.bsky.richtext.facet#mention', did: bob.did }] },
      { index: byteRange(text, 'example.com/guide?x=1'), features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/guide?x=1' }] },
      { index: byteRange(text, 'https://outbox.example/docs'), features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://outbox.example/docs' }] },
      { index: byteRange(text, '#outbox'), features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'outbox' }] },
      // @nobody.test does not exist: it stays plain text rather than failing the post.
    ]);
    // The byte ranges really cut the mention out of the UTF-8 text.
    const mention = facets[0]!.index;
    expect(Buffer.from(text).subarray(mention.byteStart, mention.byteEnd).toString()).toBe('@bob.test');
    // Progress keeps the key that was committed before sending.
    expect(ctx.progress.get()).toMatchObject({ did: account.did, parts: [{ rkey, uri: result.platformPostId }] });
  });

  test('four images carry alt text and aspect ratio; one over 1 MB is re-encoded under the limit, the library file untouched', async () => {
    const { account, connected: acc } = await connected();
    const media = [
      await imageFile(files.dir, 'wide.png', { width: 800, height: 450, altText: 'A wide blue field' }),
      await imageFile(files.dir, 'tall.jpg', { width: 300, height: 600, format: 'jpeg', altText: 'A tall one' }),
      await imageFile(files.dir, 'square.png', { width: 500, height: 500, altText: '' }),
      await imageFile(files.dir, 'huge.png', { width: 2400, height: 1600, noise: true, altText: 'Noise, 3:2, several MB' }),
    ];
    const huge = media[3]!;
    expect(huge.bytes).toBeGreaterThan(1_000_000);
    const before = sha256(huge.path);

    const result = await blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts: [{ text: 'Four pictures', media }] }));

    expect(sha256(huge.path)).toBe(before);
    const record = await pds.getRecord(result.platformPostId);
    const embed = record.value.embed as { $type: string; images: Array<{ alt: string; aspectRatio: { width: number; height: number }; image: { mimeType: string; size: number } }> };
    expect(embed.$type).toBe('app.bsky.embed.images');
    expect(embed.images.map((i) => i.alt)).toEqual(['A wide blue field', 'A tall one', '', 'Noise, 3:2, several MB']);
    expect(embed.images.slice(0, 3).map((i) => i.aspectRatio)).toEqual([{ width: 800, height: 450 }, { width: 300, height: 600 }, { width: 500, height: 500 }]);
    const big = embed.images[3]!;
    expect(big.aspectRatio.width / big.aspectRatio.height).toBeCloseTo(1.5, 2);

    for (const [i, image] of embed.images.entries()) {
      const bytes = await pds.getBlob(account.did, cidOf(image.image));
      expect(bytes.byteLength).toBe(image.image.size);
      expect(bytes.byteLength).toBeLessThanOrEqual(1_000_000);
      const meta = await sharp(bytes).metadata();
      expect({ width: meta.width, height: meta.height }).toEqual(embed.images[i]!.aspectRatio);
      if (i < 3) expect(bytes.byteLength).toBe(media[i]!.bytes); // small enough: sent as they are
    }
    // "As sharp as the limit allows": the re-encode uses most of the megabyte, not a fraction of it.
    const bigBlob = await pds.getBlob(account.did, cidOf(big.image));
    expect(big.image.mimeType).toBe('image/jpeg');
    expect(bigBlob.byteLength).toBeGreaterThan(700_000);
  });

  test('a 3-part thread: each part replies to the previous one, all rooted at the first', async () => {
    const { account, connected: acc } = await connected();
    const parts = [
      { text: 'Thread 1/3', media: [] },
      { text: 'Thread 2/3', media: [] },
      { text: 'Thread 3/3', media: [] },
    ];
    const result = await blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts }));
    const records = await pds.listRecords(account.did, 'app.bsky.feed.post');
    expect(records).toHaveLength(3);
    const byText = new Map(records.map((r) => [r.value.text as string, r]));
    const [first, second, third] = parts.map((p) => byText.get(p.text)!);
    expect(result.platformPostId).toBe(first!.uri);
    expect(first!.value.reply).toBeUndefined();
    const ref = (r: typeof first) => ({ uri: r!.uri, cid: r!.cid });
    expect(second!.value.reply).toEqual({ root: ref(first), parent: ref(first) });
    expect(third!.value.reply).toEqual({ root: ref(first), parent: ref(second) });
  });

  test('a post without media gets a link card for its first link from the Open Graph tags, thumbnail uploaded as a blob', async () => {
    const { account, connected: acc } = await connected();
    const text = `Read this ${og.article} and also ${og.titleOnly}`;
    const result = await blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts: [{ text, media: [] }] }));
    const record = await pds.getRecord(result.platformPostId);
    const embed = record.value.embed as { $type: string; external: { uri: string; title: string; description: string; thumb?: { mimeType: string; size: number } } };
    expect(embed.$type).toBe('app.bsky.embed.external');
    expect(embed.external).toMatchObject({ uri: og.article, title: ARTICLE.title, description: ARTICLE.description });
    const thumb = embed.external.thumb!;
    const bytes = await pds.getBlob(account.did, cidOf(thumb));
    const meta = await sharp(bytes).metadata();
    expect({ width: meta.width, height: meta.height }).toEqual({ width: 1200, height: 630 });
  });

  test('a link card image over 1 MB is re-encoded to fit; a page with only a <title> still gets a card', async () => {
    const { account, connected: acc } = await connected();
    const big = await blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts: [{ text: `Big: ${og.bigImageArticle}`, media: [] }] }));
    const external = ((await pds.getRecord(big.platformPostId)).value.embed as { external: { title: string; thumb: { size: number } } }).external;
    expect(external.title).toBe('Big picture');
    expect(external.thumb.size).toBeLessThanOrEqual(1_000_000);
    expect((await pds.getBlob(account.did, cidOf(external.thumb))).byteLength).toBe(external.thumb.size);

    const plain = await blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts: [{ text: `Plain: ${og.titleOnly}`, media: [] }] }));
    expect((await pds.getRecord(plain.platformPostId)).value.embed).toEqual({ $type: 'app.bsky.embed.external', external: { uri: og.titleOnly, title: 'Just a title', description: '' } });
  });

  test('a card reads a page in the charset its Content-Type names', async () => {
    const card = await readLinkCard(og.latin1, { timeoutMs: 5_000 });
    expect(card).toEqual({ uri: og.latin1, title: 'Café crème', description: 'à la carte', image: null });
  });

  test('no card, and still a post, when the page is down, fails or is too slow', async () => {
    const { connected: acc } = await connected();
    // The deadline is shortened for the test; the slow page never answers at all.
    const adapter = createBlueskyAdapter({ linkCardTimeoutMs: 300 });
    for (const url of [og.broken, og.slow, 'http://127.0.0.1:1/closed-port']) {
      const result = await adapter.publish(publishContext({ secrets: acc.secrets, parts: [{ text: `Look: ${url}`, media: [] }] }));
      const record = await pds.getRecord(result.platformPostId);
      expect(record.value.text).toBe(`Look: ${url}`);
      expect(record.value.embed).toBeUndefined();
    }
    expect(og.hits).toContain('/slow');
  });

  test('images win over the link card', async () => {
    const { connected: acc } = await connected();
    const media = [await imageFile(files.dir, 'card-vs-image.png', { width: 64, height: 64 })];
    const result = await blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts: [{ text: `With image ${og.article}`, media }] }));
    expect(((await pds.getRecord(result.platformPostId)).value.embed as { $type: string }).$type).toBe('app.bsky.embed.images');
  });

  test('crash after the key is committed but before createRecord: reconcile finds nothing, the resend makes exactly one record', async () => {
    const { account, connected: acc } = await connected();
    const progress = new TestProgress();
    progress.crashAfterSave = 1; // the first save commits the keys, then the process "dies"
    const parts = [{ text: 'Exactly once, before send', media: [] }];
    await expect(blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts, progress }))).rejects.toThrow('crash after save 1');
    const committed = progress.committed as { parts: Array<{ rkey: string; uri?: string }> };
    expect(committed.parts).toHaveLength(1);
    expect(committed.parts[0]!.uri).toBeUndefined();
    expect(await pds.listRecords(account.did, 'app.bsky.feed.post')).toHaveLength(0);

    // Restart: the engine reconciles, then sends again with the same progress.
    progress.crashAfterSave = null;
    const restarted = publishContext({ secrets: acc.secrets, parts, progress });
    expect(await blueskyAdapter.reconcile!(restarted)).toBeNull();
    const result = await blueskyAdapter.publish(restarted);
    const records = await pds.listRecords(account.did, 'app.bsky.feed.post');
    expect(records.map((r) => r.uri)).toEqual([result.platformPostId]);
    expect(result.platformPostId.endsWith(`/${committed.parts[0]!.rkey}`)).toBe(true);
  });

  test('crash after createRecord went through but before its answer was saved: reconcile finds the record by its key, one record not two', async () => {
    const { account, connected: acc } = await connected();
    const progress = new TestProgress();
    progress.crashAfterSave = 2; // the save after createRecord commits, then the process "dies"
    const parts = [{ text: 'Exactly once, after send', media: [] }];
    await expect(blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts, progress }))).rejects.toThrow('crash after save 2');
    // Lose what was saved after the send, as if the crash came just before that commit.
    const keys = progress.committed as { did: string; parts: Array<{ rkey: string }> };
    progress.committed = { did: keys.did, parts: keys.parts.map((p) => ({ rkey: p.rkey })) };
    progress.crashAfterSave = null;

    const restarted = publishContext({ secrets: acc.secrets, parts, progress });
    const found = await blueskyAdapter.reconcile!(restarted);
    expect(found).not.toBeNull();
    expect(found!.platformPostId).toBe(`at://${account.did}/app.bsky.feed.post/${keys.parts[0]!.rkey}`);
    // Even an engine that sends again anyway cannot make a second record.
    const again = await blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts, progress: Object.assign(new TestProgress(), { committed: { did: keys.did, parts: keys.parts.map((p) => ({ rkey: p.rkey })) } }) }));
    expect(again.platformPostId).toBe(found!.platformPostId);
    expect(await pds.listRecords(account.did, 'app.bsky.feed.post')).toHaveLength(1);
  });

  test('a thread interrupted after its first part: reconcile says not done, the resend finishes it without repeating part 1', async () => {
    const { account, connected: acc } = await connected();
    const progress = new TestProgress();
    progress.crashAfterSave = 2; // keys committed (1), part 1 sent and saved (2), crash
    const parts = [
      { text: 'Interrupted 1/3', media: [] },
      { text: 'Interrupted 2/3', media: [] },
      { text: 'Interrupted 3/3', media: [] },
    ];
    await expect(blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts, progress }))).rejects.toThrow('crash after save 2');
    progress.crashAfterSave = null;
    const restarted = publishContext({ secrets: acc.secrets, parts, progress });
    expect(await blueskyAdapter.reconcile!(restarted)).toBeNull();
    const result = await blueskyAdapter.publish(restarted);
    const records = await pds.listRecords(account.did, 'app.bsky.feed.post');
    expect(records.map((r) => r.value.text).sort()).toEqual(parts.map((p) => p.text));
    const first = records.find((r) => r.value.text === 'Interrupted 1/3')!;
    expect(result.platformPostId).toBe(first.uri);
    for (const r of records.filter((r) => r !== first)) expect((r.value.reply as { root: { uri: string } }).root.uri).toBe(first.uri);
  });

  test('reconcile with no committed keys says nothing was sent', async () => {
    const { connected: acc } = await connected();
    expect(await blueskyAdapter.reconcile!(publishContext({ secrets: acc.secrets, parts: [{ text: 'never sent', media: [] }] }))).toBeNull();
  });

  test('an expired session is an auth failure; after the connector refreshes it the same entry publishes', async () => {
    const { account, connected: acc } = await connected();
    const expired = { ...acc.secrets, accessJwt: pds.expiredAccessJwt(String(acc.secrets.accessJwt)) };
    const progress = new TestProgress();
    const parts = [{ text: 'After refresh', media: [] }];
    const failure = await blueskyAdapter.publish(publishContext({ secrets: expired, parts, progress })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PublishError);
    expect(failure).toMatchObject({ kind: 'auth' });

    const refreshed = await blueskyConnector.refresh!(publishContext({ secrets: expired, parts }).account, expired, connectContext());
    const result = await blueskyAdapter.publish(publishContext({ secrets: refreshed.secrets, parts, progress }));
    expect(await pds.listRecords(account.did, 'app.bsky.feed.post')).toEqual([expect.objectContaining({ uri: result.platformPostId })]);
  });

  test('text over 300 graphemes is refused by the PDS as permanent, with its message', async () => {
    const { connected: acc } = await connected();
    const failure = await blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts: [{ text: 'x'.repeat(301), media: [] }] })).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'permanent' });
    expect((failure as Error).message).toMatch(/maximum 300, got 301/);
  });

  test('an MP4 video goes up as a blob with its alt text and aspect ratio (app.bsky.embed.video)', async () => {
    const { account, connected: acc } = await connected();
    const video = { ...(await mp4File(files.dir, 'clip.mp4')), width: 1080, height: 1920, altText: 'A vertical clip' };
    const result = await blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts: [{ text: 'Watch', media: [video] }] }));
    const embed = (await pds.getRecord(result.platformPostId)).value.embed as { $type: string; alt: string; aspectRatio: unknown; video: { mimeType: string; size: number } };
    expect(embed).toMatchObject({ $type: 'app.bsky.embed.video', alt: 'A vertical clip', aspectRatio: { width: 1080, height: 1920 }, video: { mimeType: 'video/mp4', size: video.bytes } });
    expect(Buffer.from(await pds.getBlob(account.did, cidOf(embed.video))).equals(readFileSync(video.path))).toBe(true);
  });

  test('more than 4 images, a video beside an image and a non-MP4 video are refused before anything is sent', async () => {
    const { account, connected: acc } = await connected();
    const image = await imageFile(files.dir, 'five.png', { width: 10, height: 10 });
    const video = await mp4File(files.dir, 'refused.mp4');
    const cases = [
      { media: [image, image, image, image, image], message: /at most 4 images/ },
      { media: [image, video], message: /one video on its own/ },
      { media: [{ ...video, mime: 'video/quicktime' }], message: /MP4 video only/ },
    ];
    for (const { media, message } of cases) {
      await expect(blueskyAdapter.publish(publishContext({ secrets: acc.secrets, parts: [{ text: 'refused', media }] }))).rejects.toMatchObject({ kind: 'permanent', message: expect.stringMatching(message) });
    }
    expect(await pds.listRecords(account.did, 'app.bsky.feed.post')).toHaveLength(0);
  });
});
