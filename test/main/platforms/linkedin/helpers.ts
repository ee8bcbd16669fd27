import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublishAccount, PublishContext, PublishPart } from '../../../../src/main/platforms/types';
import type { TestCore } from '../../../support/core';
import type { LinkedInFake } from '../../../fakes/linkedin';
import type { XFake } from '../../../fakes/x';
import { memoryProgressStore } from '../../../support/file-progress';
import { publishMedia } from '../../../support/publish-media';

/** The member and the Page the fake knows first. */
export const LI_MEMBER: PublishAccount = { id: 'acct-li', platform: 'linkedin', handle: 'Lin Kedin', platformUserId: 'li-member-1', instanceUrl: '', meta: { authorUrn: 'urn:li:person:li-member-1' } };
export const LI_PAGE: PublishAccount = { id: 'acct-lip', platform: 'linkedin-page', handle: 'acme-bakery', platformUserId: '111', instanceUrl: '', meta: { organizationId: '111', authorUrn: 'urn:li:organization:111' } };

/** A publish context for a LinkedIn adapter against the fake. */
export function linkedinContext(options: { url: string; token: string; account?: PublishAccount; parts: PublishPart[]; settings?: Record<string, unknown>; now: () => number; progress?: ReturnType<typeof memoryProgressStore> }): PublishContext & { progress: ReturnType<typeof memoryProgressStore> } {
  const account = options.account ?? LI_MEMBER;
  return {
    entry: { id: `entry-${account.id}`, postId: 'post-li', attemptKey: 'attempt-1', contentType: 'linkedin_post', settings: options.settings ?? {} },
    parts: options.parts,
    account,
    credentials: { accessToken: options.token, refreshToken: null, tokenType: 'bearer', scope: null },
    progress: options.progress ?? memoryProgressStore(),
    endpoints: { apiBase: options.url, authBase: options.url },
    signal: new AbortController().signal,
    now: options.now,
  };
}

/** A small PDF that opens in any reader (header, one empty page, xref, trailer, %%EOF). */
export function writePdf(dir: string, name: string, pages = 1): { path: string; bytes: number } {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', `<< /Type /Pages /Kids [${Array.from({ length: pages }, (_, i) => `${3 + i} 0 R`).join(' ')}] /Count ${pages} >>`];
  for (let i = 0; i < pages; i++) objects.push('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>');
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const path = join(dir, name);
  writeFileSync(path, body);
  return { path, bytes: Buffer.byteLength(body) };
}

/** A stand-in video: an ISO `ftyp` box first (what LinkedIn's processing looks for), then random bytes. */
export function writeVideo(dir: string, name: string, bytes: number) {
  const path = join(dir, name);
  const head = Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypmp42'), 0, 0, 0, 0, ...Buffer.from('mp42isom')]);
  writeFileSync(path, Buffer.concat([head, randomBytes(bytes - head.length)]));
  return publishMedia({ mediaId: name, path, kind: 'video', mime: 'video/mp4', bytes, durationMs: 10_000 });
}

/** Instant waits for the adapter (processing polls, retried parts). */
export const instant = { sleep: async () => {}, retry: { sleep: async () => {}, baseDelayMs: 1 } };

/**
 * Connects X, a LinkedIn member and a LinkedIn Page through accounts:connect (the creator's apps
 * first; the test plays the browser; the Page "Acme Bakery" is chosen after consent).
 */
export async function connectAll(t: TestCore, x: XFake, li: LinkedInFake): Promise<{ xId: string; memberId: string; pageId: string }> {
  for (const [platform, clientId, clientSecret] of [['x', 'x-client', undefined], ['linkedin', 'li-client', 'li-secret']] as const) {
    const app = await t.core.invoke('accounts:setAppCredentials', { platform, clientId, ...(clientSecret ? { clientSecret } : {}) });
    if (!app.ok) throw new Error(app.error.message);
  }
  const oauth = async (platform: 'x' | 'linkedin' | 'linkedin-page', browse: (url: string) => Promise<void>) => {
    const opened = t.browser.next();
    const answer = t.core.invoke('accounts:connect', { platform });
    await browse(await opened);
    const result = await answer;
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };
  const xa = await oauth('x', (u) => x.browse(u));
  const member = await oauth('linkedin', (u) => li.browse(u));
  const choice = await oauth('linkedin-page', (u) => li.browse(u));
  if (xa.status !== 'connected' || member.status !== 'connected' || choice.status !== 'choose') throw new Error('unexpected connect results');
  const page = await t.core.invoke('accounts:choose', { pendingId: choice.pendingId, optionId: '111' });
  if (!page.ok || page.value.status !== 'connected') throw new Error(JSON.stringify(page));
  return { xId: xa.account.id, memberId: member.account.id, pageId: page.value.account.id };
}
