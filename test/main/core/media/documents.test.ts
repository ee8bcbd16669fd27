// PDFs in the media library (issue 14): detected by their bytes, checked to be whole (header and
// end-of-file marker), never parsed; a page tile as preview. And migration 0010, which widens
// media.kind for them and keeps every row and fact.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/main/core/db/database';
import { loadMigrations, migrate } from '../../../../src/main/core/db/migrate';
import { makeTestCore, snapshotDatabase, tempDir, type TestCore } from '../../../support/core';
import { writePdf } from '../../platforms/linkedin/helpers';
import { value } from '../posts/helpers';

let t: TestCore;
const files = tempDir('outbox-docs-');
beforeAll(async () => {
  t = await makeTestCore();
});
afterAll(async () => {
  await t.dispose();
  files.remove();
});

describe('PDF documents in the library', () => {
  it('a PDF imports as a document (detected by its bytes, stored by its sha256), with a page tile as preview', async () => {
    const pdf = writePdf(files.dir, 'menu.pdf', 2);
    const m = value(await t.core.invoke('media:import', { path: pdf.path }));
    expect(m).toMatchObject({ kind: 'document', mime: 'application/pdf', bytes: pdf.bytes, width: null, height: null, durationMs: null });
    const thumb = value(await t.core.invoke('media:thumbnail', { id: m.id, size: 64 }));
    expect(thumb.dataUrl).toMatch(/^data:image\/webp;base64,/);
    const meta = await sharp(Buffer.from(thumb.dataUrl.split(',')[1]!, 'base64')).metadata();
    expect([meta.width, meta.height]).toEqual([64, 64]);
    // The same bytes by another name, and through importData: the same item.
    const again = value(await t.core.invoke('media:importData', { name: 'menu-copy.pdf', data: readFileSync(pdf.path).toString('base64') }));
    expect(again.id).toBe(m.id);
  });

  it('a cut-off PDF (no end-of-file marker) is refused naming the file and the field, and nothing changes', async () => {
    const db = join(t.dataDir, 'outbox.db');
    const before = snapshotDatabase(db);
    const full = writePdf(files.dir, 'whole.pdf', 3);
    const text = readFileSync(full.path);
    const cut = join(files.dir, 'cut.pdf');
    writeFileSync(cut, text.subarray(0, text.length - 40));
    const r = await t.core.invoke('media:import', { path: cut });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ code: 'validation', issues: [{ path: 'path' }] });
    expect(!r.ok && r.error.message).toMatch(/cut\.pdf looks like a PDF but is incomplete or damaged/);
    const data = await t.core.invoke('media:importData', { name: 'cut.pdf', data: text.subarray(0, text.length - 40).toString('base64') });
    expect(!data.ok && data.error.issues?.[0]?.path).toBe('data');
    expect(snapshotDatabase(db)).toBe(before);
  });

  it('a file named .pdf that is a picture is a picture (the bytes decide)', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).png().toBuffer();
    const path = join(files.dir, 'fake.pdf');
    writeFileSync(path, png);
    expect(value(await t.core.invoke('media:import', { path }))).toMatchObject({ kind: 'image', mime: 'image/png' });
  });
});

describe('migration 0010', () => {
  it('keeps every media row and fact, lets media.kind be document, and adds accounts.expiry_notice_for', () => {
    const dir = tempDir('outbox-mig10-');
    const db = openDatabase(join(dir.dir, 'outbox.db'));
    try {
      const all = loadMigrations();
      migrate(db, all.filter((m) => m.version < 10));
      db.prepare(
        `INSERT INTO media (id, sha256, kind, mime, bytes, width, height, duration_ms, file, original_name, alt_text, created_at, video_codec, audio_codec, frame_rate, rotation, container, frames, has_alpha, color_space)
         VALUES ('v1', 'aa', 'video', 'video/mp4', 10, 320, 240, 4000, 'media/aa.mp4', 'talk.mp4', 'A talk', 5, 'h264', 'aac', 30, 90, 'mp4', NULL, NULL, NULL),
                ('i1', 'bb', 'image', 'image/png', 20, 8, 8, NULL, 'media/bb.png', 'dot.png', '', 6, NULL, NULL, NULL, NULL, NULL, 1, 1, 'srgb')`,
      ).run();
      expect(() => db.prepare("INSERT INTO media (id, sha256, kind, mime, bytes, file, created_at) VALUES ('d0', 'cc', 'document', 'application/pdf', 1, 'f', 0)").run()).toThrow(/CHECK/);
      const before = db.prepare('SELECT * FROM media ORDER BY id').all();
      migrate(db, all.filter((m) => m.version <= 10));
      expect(db.prepare('SELECT * FROM media ORDER BY id').all()).toEqual(before);
      db.prepare("INSERT INTO media (id, sha256, kind, mime, bytes, file, created_at) VALUES ('d1', 'cc', 'document', 'application/pdf', 1, 'media/cc.pdf', 0)").run();
      expect(() => db.prepare("INSERT INTO media (id, sha256, kind, mime, bytes, file, created_at) VALUES ('x1', 'dd', 'spreadsheet', 'x', 1, 'f', 0)").run()).toThrow(/CHECK/);
      expect(() => db.prepare("INSERT INTO media (id, sha256, kind, mime, bytes, file, created_at) VALUES ('d2', 'cc', 'document', 'application/pdf', 1, 'f', 0)").run()).toThrow(/UNIQUE/);
      const columns = (db.prepare("SELECT name FROM pragma_table_info('accounts')").all() as Array<{ name: string }>).map((c) => c.name);
      expect(columns).toContain('expiry_notice_for');
    } finally {
      db.close();
      dir.remove();
    }
  });
});
