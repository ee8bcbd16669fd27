// One module per platform (issue 12): the registry is the one place that lists what Outbox can do
// with each platform, and app:info reads it.
import { describe, expect, it } from 'vitest';
import { platformModules, publishingPlatforms } from '../../../src/main/platforms';
import { PLATFORMS } from '../../../src/shared/domain';
import { PLATFORM_SPECS } from '../../../src/shared/platforms/catalog';
import { makeTestCore } from '../../support/core';

describe('platform registry', () => {
  it('every PlatformId has a module with its own id and a connector, and a catalog entry with its name', () => {
    expect(Object.keys(platformModules).sort()).toEqual([...PLATFORMS].sort());
    for (const id of PLATFORMS) {
      expect(platformModules[id].id).toBe(id);
      expect(platformModules[id].connector.platform).toBe(id);
      if (platformModules[id].publisher) expect(platformModules[id].publisher!.platform).toBe(id);
      expect(PLATFORM_SPECS[id].name.length).toBeGreaterThan(0);
    }
  });

  it('app:info.publishingPlatforms is exactly the modules that have a publisher', async () => {
    const withPublisher = PLATFORMS.filter((id) => platformModules[id].publisher !== undefined);
    expect(publishingPlatforms(platformModules)).toEqual(withPublisher);
    const t = await makeTestCore();
    try {
      const info = await t.core.invoke('app:info');
      expect(info.ok && info.value.publishingPlatforms).toEqual(withPublisher);
    } finally {
      await t.dispose();
    }
  });

  it('a platform-side scheduler only comes with a publisher', () => {
    for (const id of PLATFORMS) if (platformModules[id].scheduler) expect(platformModules[id].publisher).toBeDefined();
  });
});

describe('accounts:lookup', () => {
  it('runs the account platform module named lookup with the account and its secrets; unknown names and accounts are refused', async () => {
    const seen: unknown[] = [];
    const t = await makeTestCore({
      modules: {
        pinterest: {
          lookups: {
            boards: async (ctx, input) => {
              seen.push({ handle: ctx.account.handle, token: ctx.credentials['token'], input });
              return [{ id: 'b1', name: 'Recipes' }];
            },
          },
        },
      },
    });
    try {
      const { PublishingFixture } = await import('../../support/publishing-fixture');
      const fx = new PublishingFixture(t.dataDir, t.secrets);
      const id = fx.account('pinterest', 'cook');
      fx.close();
      await new Promise((resolve) => setImmediate(resolve));
      const answer = await t.core.invoke('accounts:lookup', { id, name: 'boards', input: { refresh: true } });
      expect(answer).toEqual({ ok: true, value: { value: [{ id: 'b1', name: 'Recipes' }] } });
      expect(seen).toEqual([{ handle: 'cook', token: 'fixture', input: { refresh: true } }]);
      const unknown = await t.core.invoke('accounts:lookup', { id, name: 'pins' });
      expect(unknown.ok ? null : unknown.error.code).toBe('validation');
      const missing = await t.core.invoke('accounts:lookup', { id: 'nope', name: 'boards' });
      expect(missing.ok ? null : missing.error.code).toBe('not_found');
    } finally {
      await t.dispose();
    }
  });
});
