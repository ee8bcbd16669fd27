import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCore, snapshotDatabase, type TestCore } from '../../../test/support/core';
import { createCore } from './create-core';
import { platformModules, publishingPlatforms } from '../platforms';
import { loadMigrations } from './db/migrate';

let t: TestCore;
afterEach(async () => t?.dispose());

describe('createCore', () => {
  it('answers app:info with version, data folder and schema version', async () => {
    t = await makeTestCore({ version: '1.2.3' });
    const info = await t.core.invoke('app:info');
    expect(info).toEqual({
      ok: true,
      value: { version: '1.2.3', dataDir: t.dataDir, schemaVersion: loadMigrations().at(-1)!.version, publishingPlatforms: publishingPlatforms(platformModules), oauthRedirectUri: 'http://127.0.0.1:17863/callback' },
    });
  });

  it('app:info lists the platforms a publish adapter exists for, so the app can say which ones cannot publish yet', async () => {
    const telegram = { platform: 'telegram' as const, idempotent: false, publish: async () => ({ platformPostId: '1', platformUrl: null }) };
    t = await makeTestCore({ adapters: { telegram }, modules: { x: { publisher: undefined } } });
    const info = await t.core.invoke('app:info');
    const listed = info.ok ? info.value.publishingPlatforms : [];
    expect(listed).toContain('telegram');
    expect(listed).not.toContain('x');
    expect(listed).toEqual(publishingPlatforms(platformModules).filter((p) => p !== 'x'));
  });

  it('settings default to the system time zone and publishing on', async () => {
    t = await makeTestCore();
    const result = await t.core.invoke('settings:get');
    expect(result.ok && result.value.publishingPaused).toBe(false);
    expect(result.ok && result.value.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('settings:update stores the change, emits settings:changed, and survives a restart', async () => {
    t = await makeTestCore();
    const seen: string[][] = [];
    t.core.on('settings:changed', (e) => seen.push(e.keys));
    const updated = await t.core.invoke('settings:update', { timeZone: 'Asia/Tokyo', publishingPaused: true });
    expect(updated).toMatchObject({ ok: true, value: { timeZone: 'Asia/Tokyo', publishingPaused: true } });
    expect(seen).toEqual([['timeZone', 'publishingPaused']]);
    await t.restart();
    expect(await t.core.invoke('settings:get')).toMatchObject({ ok: true, value: { timeZone: 'Asia/Tokyo', publishingPaused: true } });
  });

  it('a bad payload is a validation error naming the field, and changes nothing', async () => {
    t = await makeTestCore();
    const before = snapshotDatabase(join(t.dataDir, 'outbox.db'));
    const result = await t.core.invoke('settings:update', { timeZone: 'Mars/Olympus', publishingPaused: true });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('validation');
      expect(result.error.issues?.[0]?.path).toBe('timeZone');
      expect(result.error.message).toMatch(/timeZone: is not a known IANA time zone/);
    }
    const unknownKey = await t.core.invoke('settings:update', { colour: 'red' } as never);
    expect(!unknownKey.ok && unknownKey.error.code).toBe('validation');
    expect(snapshotDatabase(join(t.dataDir, 'outbox.db'))).toBe(before);
  });

  it('an unknown channel is a validation error', async () => {
    t = await makeTestCore();
    const untyped = t.core.invoke as (channel: string, payload?: unknown) => ReturnType<typeof t.core.invoke>;
    const result = await untyped('posts:explode');
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', message: 'Unknown channel: posts:explode' } });
  });

  it('refuses to start when a shipped migration changed, naming the file', async () => {
    t = await makeTestCore();
    await t.core.close();
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, sql: m.sql + '\n-- edited' } : m));
    await expect(createCore({ dataDir: t.dataDir, migrations: edited, secrets: t.secrets })).rejects.toThrow(/0001-settings\.sql has changed/);
    t.core = await createCore({ dataDir: t.dataDir, secrets: t.secrets, clock: t.clock });
  });

  it('answers nothing after close', async () => {
    t = await makeTestCore();
    await t.core.close();
    const result = await t.core.invoke('settings:get');
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
