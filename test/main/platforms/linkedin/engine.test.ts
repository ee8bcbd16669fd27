// LinkedIn (profile and Page) and X through the whole engine: accounts connected for real through
// accounts:connect (the loopback flow against the fakes; the Page is chosen after consent), media
// imported into the library, posts scheduled and sent by the engine's timer. One post with images
// to all three, a PDF carousel (LinkedIn only: the same PDF for X is refused when scheduling), and
// the reconnect notice 7 days before a LinkedIn token without a refresh token ends.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/main/core/ports/doubles';
import { startLinkedInFake, type LinkedInFake } from '../../../fakes/linkedin';
import { startXFake, type XFake } from '../../../fakes/x';
import { makeTestCore, tempDir, type TestCore } from '../../../support/core';
import { settlePost, xSpecProblems } from '../x/helpers';
import { instant, writePdf } from './helpers';
import { createLinkedInAdapter } from '../../../../src/main/platforms/linkedin/posts';
import { createXAdapter } from '../../../../src/main/platforms/x/publish';

const MIN = 60_000;
const DAY = 86_400_000;

describe('X, LinkedIn and a LinkedIn Page through the engine', () => {
  let clock: ManualClock;
  let x: XFake;
  let li: LinkedInFake;
  let t: TestCore;
  let files: { dir: string; remove: () => void };

  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-06-01T09:00:00Z'));
    x = await startXFake({ now: () => clock.now() });
    li = await startLinkedInFake({ now: () => clock.now() });
    files = tempDir('outbox-li-engine-');
    const linkedin = { apiBase: li.url, authBase: li.url, redirectPort: '0' };
    // The shipped adapters, with waits for processing that do not take real time.
    t = await makeTestCore({
      clock,
      platforms: { x: { apiBase: x.url, authBase: x.url, redirectPort: '0' }, linkedin, 'linkedin-page': linkedin },
      adapters: { x: createXAdapter(instant), linkedin: createLinkedInAdapter('linkedin', instant), 'linkedin-page': createLinkedInAdapter('linkedin-page', instant) },
    });
  });
  afterEach(async () => {
    expect(xSpecProblems(x.exchanges)).toEqual([]);
    await t.dispose();
    await x.close();
    await li.close();
    files.remove();
  });

  async function oauth(platform: 'x' | 'linkedin' | 'linkedin-page', browse: (url: string) => Promise<void>) {
    const opened = t.browser.next();
    const answer = t.core.invoke('accounts:connect', { platform });
    await browse(await opened);
    const result = await answer;
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  }

  async function connectAll() {
    for (const [platform, clientId, clientSecret] of [['x', 'x-client', undefined], ['linkedin', 'li-client', 'li-secret']] as const) {
      const app = await t.core.invoke('accounts:setAppCredentials', { platform, clientId, ...(clientSecret ? { clientSecret } : {}) });
      if (!app.ok) throw new Error(app.error.message);
    }
    const xa = await oauth('x', (u) => x.browse(u));
    const member = await oauth('linkedin', (u) => li.browse(u));
    const choice = await oauth('linkedin-page', (u) => li.browse(u));
    if (xa.status !== 'connected' || member.status !== 'connected' || choice.status !== 'choose') throw new Error('unexpected connect results');
    expect(choice.options.map((o) => o.name)).toEqual(['Acme Bakery', 'Acme Bikes']);
    const page = await t.core.invoke('accounts:choose', { pendingId: choice.pendingId, optionId: '111' });
    if (!page.ok || page.value.status !== 'connected') throw new Error(JSON.stringify(page));
    return { xId: xa.account.id, memberId: member.account.id, pageId: page.value.account.id };
  }

  async function importFile(path: string) {
    const imported = await t.core.invoke('media:import', { path });
    if (!imported.ok) throw new Error(imported.error.message);
    return imported.value;
  }

  it('one post with two images goes to X, LinkedIn and the Page, each entry with its link', async () => {
    const { xId, memberId, pageId } = await connectAll();
    const media = [];
    for (const [i, color] of [{ r: 240, g: 200, b: 40 }, { r: 40, g: 120, b: 220 }].entries()) {
      const path = join(files.dir, `market-${i}.jpg`);
      writeFileSync(path, await sharp({ create: { width: 1200, height: 800, channels: 3, background: color } }).jpeg().toBuffer());
      media.push({ mediaId: (await importFile(path)).id, altText: `Market stall ${i + 1}` });
    }
    const created = await t.core.invoke('posts:create', {
      parts: [{ text: 'Saturday market (stall 12) #fresh', media }],
      targets: [{ accountId: xId }, { accountId: memberId, settings: { visibility: 'connections' } }, { accountId: pageId, settings: { disableReshares: true } }],
      schedule: { mode: 'at', at: new Date(clock.now() + 15 * MIN).toISOString() },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const post = await settlePost(t, created.value.post.id);
    expect(post.status).toBe('published');
    const by = Object.fromEntries(post.entries.map((e) => [e.platform, e]));
    const tweet = x.posts[0]!;
    expect(tweet.mediaIds.map((id) => x.uploads.get(id)!.altText)).toEqual(['Market stall 1', 'Market stall 2']);
    expect(by['x']).toMatchObject({ status: 'published', platformUrl: `https://x.com/outbox_creator/status/${tweet.id}` });
    const [memberPost, pagePost] = [li.posts.find((p) => p.author === 'urn:li:person:li-member-1')!, li.posts.find((p) => p.author === 'urn:li:organization:111')!];
    expect(memberPost).toMatchObject({ text: 'Saturday market (stall 12) #fresh', visibility: 'CONNECTIONS' });
    expect(pagePost).toMatchObject({ text: 'Saturday market (stall 12) #fresh', reshareDisabled: true });
    expect((memberPost.content as { multiImage: { images: unknown[] } }).multiImage.images).toHaveLength(2);
    expect(by['linkedin']).toMatchObject({ status: 'published', platformPostId: memberPost.urn, platformUrl: `https://www.linkedin.com/feed/update/${memberPost.urn}/` });
    expect(by['linkedin-page']).toMatchObject({ status: 'published', platformPostId: pagePost.urn, platformUrl: `https://www.linkedin.com/feed/update/${pagePost.urn}/` });
  });

  it('a PDF carousel: imported as a document, published to LinkedIn with its title; the same PDF for X is refused when scheduling, naming the media', async () => {
    const { xId, memberId } = await connectAll();
    const pdf = writePdf(files.dir, 'guide.pdf', 5);
    const doc = await importFile(pdf.path);
    expect(doc).toMatchObject({ kind: 'document', mime: 'application/pdf', bytes: pdf.bytes });
    const at = new Date(clock.now() + 15 * MIN).toISOString();
    const forX = await t.core.invoke('posts:create', { parts: [{ text: 'Guide', media: [{ mediaId: doc.id, altText: '' }] }], targets: [{ accountId: xId }], schedule: { mode: 'at', at } });
    expect(forX.ok).toBe(false);
    expect(!forX.ok && forX.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'parts.0.media', platform: 'x', message: expect.stringMatching(/cannot include a document \(PDF\)/) })]));
    const untitled = await t.core.invoke('posts:create', { parts: [{ text: 'Guide', media: [{ mediaId: doc.id, altText: '' }] }], targets: [{ accountId: memberId }], schedule: { mode: 'at', at } });
    expect(!untitled.ok && untitled.error.issues?.map((i) => i.path)).toEqual(['targets.0.settings.documentTitle']);
    const created = await t.core.invoke('posts:create', {
      parts: [{ text: 'Our five-step guide, swipe through', media: [{ mediaId: doc.id, altText: '' }] }],
      targets: [{ accountId: memberId, settings: { documentTitle: 'Five steps' } }],
      schedule: { mode: 'at', at },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const post = await settlePost(t, created.value.post.id);
    expect(post.status).toBe('published');
    const content = li.posts[0]!.content as { media: { id: string; title: string } };
    expect(content.media.title).toBe('Five steps');
    expect(li.assets.get(content.media.id)).toMatchObject({ kind: 'document', status: 'AVAILABLE', size: pdf.bytes });
  });

  it('a LinkedIn token without a refresh token: the daily check says 7 days ahead to reconnect (once); after it ends, posts fail asking to reconnect without a request', async () => {
    const { memberId } = await connectAll();
    const expiry = clock.now() + 60 * DAY;
    const notices = () => t.notifier.notifications.filter((n) => n.kind === 'account_needs_reconnect' && !!n.target && 'accountId' in n.target && n.target.accountId === memberId);
    const check = async () => {
      const checked = await t.core.invoke('accounts:check', { id: memberId });
      if (!checked.ok) throw new Error(checked.error.message);
      return checked.value[0]!;
    };
    // Outbox is closed for days at a time here (no timers run meanwhile); each start arms the
    // daily check 10 minutes later.
    const away = async (ms: number) => {
      await t.core.close();
      await clock.advance(ms);
      await t.restart();
    };
    await away(52 * DAY);
    await check();
    expect(notices()).toHaveLength(0);
    await away(DAY);
    await clock.advance(10 * MIN);
    for (let i = 0; i < 400 && notices().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(notices()).toHaveLength(1);
    expect(notices()[0]!.title).toBe('Reconnect your LinkedIn account Lin Kedin');
    expect(notices()[0]!.body).toMatch(/ends in 7 days \(2026-07-31\)/);
    await away(DAY);
    expect((await check()).connection).toBe('connected');
    expect(notices()).toHaveLength(1);

    await away(expiry - clock.now() + MIN);
    const before = li.exchanges.filter((e) => e.method === 'POST' && e.path === '/rest/posts').length;
    const created = await t.core.invoke('posts:create', { parts: [{ text: 'Too late', media: [] }], targets: [{ accountId: memberId }], schedule: { mode: 'now' } });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const post = await settlePost(t, created.value.post.id);
    expect(post.status).toBe('failed');
    expect(post.entries[0]!.errorMessage).toMatch(/Reconnect your LinkedIn account/);
    expect(li.exchanges.filter((e) => e.method === 'POST' && e.path === '/rest/posts').length).toBe(before);
    const accounts = await t.core.invoke('accounts:list', undefined);
    expect(accounts.ok && accounts.value.find((a) => a.id === memberId)!.connection).toBe('token_expired');
  });
});
