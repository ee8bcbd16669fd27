import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCore, snapshotDatabase, tempDir, type TestCore } from '../../../support/core';
import { value } from '../posts/helpers';

let t: TestCore;
let files: ReturnType<typeof tempDir>;

beforeAll(async () => {
  t = await makeTestCore();
  files = tempDir('outbox-media-delete-');
});
afterAll(async () => {
  await t.dispose();
  files.remove();
});

async function imported(tag: string) {
  const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#123456' } }).png().withMetadata({ exif: { IFD0: { ImageDescription: tag } } }).toBuffer();
  const path = join(files.dir, `${tag}.png`);
  writeFileSync(path, png);
  return value(await t.core.invoke('media:import', { path }));
}
const stored = () => readdirSync(join(t.dataDir, 'media'));

describe('media:find', () => {
  it('finds an item by the sha256 of its bytes, or answers null', async () => {
    const m = await imported('findable');
    expect(value(await t.core.invoke('media:find', { sha256: m.sha256 }))).toEqual(m);
    expect(value(await t.core.invoke('media:find', { sha256: '0'.repeat(64) }))).toBeNull();
    expect(await t.core.invoke('media:find', { sha256: 'XYZ' })).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'sha256' }] } });
  });
});

describe('media:delete', () => {
  it('deletes an unused item, its stored file and its cached previews', async () => {
    const m = await imported('unused');
    value(await t.core.invoke('media:thumbnail', { id: m.id, size: 64 }));
    expect(stored()).toContain(`${m.sha256}.png`);
    expect(readdirSync(join(t.dataDir, 'media', 'thumbs')).some((n) => n.startsWith(m.sha256))).toBe(true);
    expect(value(await t.core.invoke('media:delete', { id: m.id }))).toEqual({ id: m.id });
    expect(await t.core.invoke('media:get', { id: m.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(stored()).not.toContain(`${m.sha256}.png`);
    expect(readdirSync(join(t.dataDir, 'media', 'thumbs')).some((n) => n.startsWith(m.sha256))).toBe(false);
  });

  it('refuses with conflict naming the posts while a post uses the item, and changes nothing', async () => {
    const m = await imported('used');
    const post = value(await t.core.invoke('posts:create', { parts: [{ text: 'first' }, { text: 'with it', media: [{ mediaId: m.id }] }], targets: [], schedule: { mode: 'draft' } })).post;
    const before = snapshotDatabase(join(t.dataDir, 'outbox.db'));
    const answer = await t.core.invoke('media:delete', { id: m.id });
    expect(answer).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining(post.id) } });
    expect(snapshotDatabase(join(t.dataDir, 'outbox.db'))).toBe(before);
    expect(existsSync(join(t.dataDir, 'media', `${m.sha256}.png`))).toBe(true);
  });

  it('an unknown id is not_found', async () => {
    expect(await t.core.invoke('media:delete', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
