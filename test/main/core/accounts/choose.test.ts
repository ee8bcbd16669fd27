import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectChoice, ConnectedAccount, PlatformConnector } from '../../../../src/main/platforms/types';
import { makeTestCore, type TestCore } from '../../../support/core';

const PAGES = [
  { id: 'page-1', name: 'Bakery', kind: 'Facebook Page', avatarUrl: null },
  { id: 'page-2', name: 'Bike Shop', kind: 'Facebook Page', avatarUrl: 'https://cdn.example/bike.png' },
];

function page(id: string): ConnectedAccount {
  const p = PAGES.find((x) => x.id === id)!;
  return { platformUserId: p.id, handle: p.name, displayName: p.name, avatarUrl: p.avatarUrl, instanceUrl: '', meta: { pageId: p.id }, secrets: { accessToken: `page-token-${p.id}` }, tokenExpiresAt: null };
}

/** A connector that offers `options` after "consent" (no network: it fakes the platform's answers). */
function choosingConnector(options: typeof PAGES): PlatformConnector {
  return {
    platform: 'facebook',
    async connect(): Promise<ConnectChoice> {
      return { kind: 'choose', options, complete: async (optionId) => page(optionId) };
    },
    async check() {
      return { connection: 'connected' };
    },
  };
}

let t: TestCore;
afterEach(async () => t?.dispose());

async function core(options: typeof PAGES) {
  t = await makeTestCore({ connectors: { facebook: choosingConnector(options) } });
  await t.core.invoke('accounts:setAppCredentials', { platform: 'facebook', clientId: '123', clientSecret: 'meta-secret' });
}

describe('accounts:choose (pages and channels picked after consent)', () => {
  it('offers the pages, connects the chosen one, and the choice cannot be used twice', async () => {
    await core(PAGES);
    const offered = await t.core.invoke('accounts:connect', { platform: 'facebook' });
    if (!offered.ok || offered.value.status !== 'choose') throw new Error(JSON.stringify(offered));
    expect(offered.value.options).toEqual(PAGES);
    expect(JSON.stringify(offered)).not.toContain('page-token');
    expect(await t.core.invoke('accounts:list')).toEqual({ ok: true, value: [] });

    const wrong = await t.core.invoke('accounts:choose', { pendingId: offered.value.pendingId, optionId: 'page-9' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'optionId' }] } });

    const chosen = await t.core.invoke('accounts:choose', { pendingId: offered.value.pendingId, optionId: 'page-2' });
    expect(chosen).toMatchObject({ ok: true, value: { status: 'connected', account: { platform: 'facebook', handle: 'Bike Shop', avatarUrl: 'https://cdn.example/bike.png' } } });
    expect(JSON.stringify(chosen)).not.toContain('page-token');
    expect(await t.core.invoke('accounts:choose', { pendingId: offered.value.pendingId, optionId: 'page-1' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('a choice left open for 15 minutes expires', async () => {
    await core(PAGES);
    const offered = await t.core.invoke('accounts:connect', { platform: 'facebook' });
    if (!offered.ok || offered.value.status !== 'choose') throw new Error('expected a choice');
    await t.clock.advance(15 * 60_000);
    expect(await t.core.invoke('accounts:choose', { pendingId: offered.value.pendingId, optionId: 'page-1' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('a single page is connected without asking; none at all is a clear error', async () => {
    await core(PAGES.slice(0, 1));
    expect(await t.core.invoke('accounts:connect', { platform: 'facebook' })).toMatchObject({ ok: true, value: { status: 'connected', account: { handle: 'Bakery' } } });
    await t.dispose();
    await core([]);
    const none = await t.core.invoke('accounts:connect', { platform: 'facebook' });
    expect(none).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(!none.ok && none.error.message).toMatch(/no pages, accounts or channels/);
  });
});
