// The fitter over a table of inputs (12 MP JPEG, 40 MB noise PNG, transparent PNG, portrait 9:16,
// panorama, CMYK JPEG, animated GIF) x every content type that takes images: every output obeys
// that platform's byte, pixel and format rules from the catalog, transparency and animation are
// kept exactly where the platform shows them, and the original files are byte-identical after.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_SPECS, type ContentTypeSpec, type MediaRules } from '../../../../src/shared/platforms/catalog';
import { imageRulesOf } from '../../../../src/shared/platforms/media-plan';
import { fitImage, readImageFacts, type FittedImage } from '../../../../src/main/platforms/media/fit';
import { tempDir } from '../../../support/core';

const dir = tempDir('outbox-fit-table-');
afterAll(() => dir.remove());

/** Photo-like pixels: gradients, waves and sensor grain (compresses like a real photo). */
function photoPixels(width: number, height: number): Buffer {
  const px = Buffer.alloc(width * height * 3);
  const grain = randomBytes(px.length);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 3;
      px[i] = Math.min(255, (x * 240) / width + (grain[i]! & 15));
      px[i + 1] = Math.min(255, (y * 240) / height + (grain[i + 1]! & 15));
      px[i + 2] = Math.min(255, (Math.sin(x / 40) * Math.cos(y / 30) * 120 + 128 + (grain[i + 2]! & 15)) | 0);
    }
  }
  return px;
}

interface Input {
  name: string;
  path: string;
  sha: string;
  transparent?: { x: number; y: number };
  animatedFrames?: number;
  cmyk?: boolean;
}
const inputs: Input[] = [];

async function add(name: string, bytes: Buffer, extra: Partial<Input> = {}) {
  const path = join(dir.dir, name);
  writeFileSync(path, bytes);
  inputs.push({ name, path, sha: createHash('sha256').update(bytes).digest('hex'), ...extra });
}

beforeAll(async () => {
  await add('photo-12mp.jpg', await sharp(photoPixels(4000, 3000), { raw: { width: 4000, height: 3000, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 1 }).toBuffer());
  // Noise does not compress: 13.3 MP of it is a 40 MB PNG.
  const noise = await sharp(randomBytes(3650 * 3650 * 3), { raw: { width: 3650, height: 3650, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
  expect(noise.byteLength).toBeGreaterThan(39_000_000);
  await add('noise-40mb.png', noise);
  // A logo-like PNG: an opaque disc on a fully transparent square (alpha really used).
  const rgba = Buffer.alloc(800 * 600 * 4);
  for (let y = 0; y < 600; y++) for (let x = 0; x < 800; x++) {
    const i = (y * 800 + x) * 4;
    const inside = (x - 400) ** 2 + (y - 300) ** 2 < 250 ** 2;
    rgba[i] = 200;
    rgba[i + 1] = (x * 255) / 800;
    rgba[i + 2] = 40;
    rgba[i + 3] = inside ? 255 : 0;
  }
  await add('logo-transparent.png', await sharp(rgba, { raw: { width: 800, height: 600, channels: 4 } }).png().toBuffer(), { transparent: { x: 5, y: 5 } });
  await add('portrait-9x16.jpg', await sharp(photoPixels(1080, 1920), { raw: { width: 1080, height: 1920, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
  await add('panorama.jpg', await sharp(photoPixels(8000, 1000), { raw: { width: 8000, height: 1000, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
  await add('print-cmyk.jpg', await sharp(photoPixels(2000, 1500), { raw: { width: 2000, height: 1500, channels: 3 } }).toColourspace('cmyk').jpeg({ quality: 90 }).toBuffer(), { cmyk: true });
  // 12 frames of 600x400, a moving bar.
  const frames = 12;
  const anim = Buffer.alloc(600 * 400 * frames * 4);
  for (let f = 0; f < frames; f++) for (let y = 0; y < 400; y++) for (let x = 0; x < 600; x++) {
    const i = ((f * 400 + y) * 600 + x) * 4;
    const bar = Math.abs(x - f * 50) < 30;
    anim[i] = bar ? 250 : 20;
    anim[i + 1] = bar ? 80 : (y * 255) / 400;
    anim[i + 2] = 120;
    anim[i + 3] = 255;
  }
  await add('animated.gif', await sharp(anim, { raw: { width: 600, height: 400 * frames, channels: 4, pageHeight: 400 } }).gif({ loop: 0, delay: 80 }).toBuffer(), { animatedFrames: frames });
}, 120_000);

/** Every content type that takes images, once per distinct set of rules (LinkedIn Page = LinkedIn). */
const targets: Array<{ platform: string; type: ContentTypeSpec }> = [];
const seenRules = new Set<string>();
for (const spec of Object.values(PLATFORM_SPECS)) {
  for (const type of spec.contentTypes) {
    if (type.media.maxImages === 0) continue;
    const key = JSON.stringify(type.media);
    if (seenRules.has(key)) continue;
    seenRules.add(key);
    targets.push({ platform: spec.name, type });
  }
}

async function checkOutput(input: Input, rules: MediaRules, fitted: FittedImage) {
  const image = imageRulesOf(rules);
  const meta = await sharp(fitted.bytes, { animated: true }).metadata();
  const format = String(meta.format);
  const pages = meta.pages ?? 1;
  const width = meta.autoOrient?.width ?? meta.width!;
  const height = (meta.autoOrient?.height ?? meta.height!) / (meta.pageHeight ? pages : 1);
  // Format and byte limits.
  expect(image.formats).toContain(format);
  expect(fitted.format).toBe(format);
  const limit = pages > 1 ? (rules.gifMaxBytes ?? image.maxBytes) : image.maxBytes;
  expect(fitted.bytes.byteLength).toBeLessThanOrEqual(limit);
  // Pixel limits (per frame).
  expect({ width: fitted.width, height: fitted.height }).toEqual({ width, height: Math.round(height) });
  if (image.maxSide) expect(Math.max(width, height)).toBeLessThanOrEqual(image.maxSide);
  if (image.maxWidth) expect(width).toBeLessThanOrEqual(image.maxWidth);
  if (image.maxPixels) expect(width * height).toBeLessThanOrEqual(image.maxPixels);
  if (image.maxDimensionSum) expect(width + height).toBeLessThanOrEqual(image.maxDimensionSum);
  if (image.aspect) {
    expect(width / height).toBeGreaterThanOrEqual(image.aspect.min - 1e-9);
    expect(width / height).toBeLessThanOrEqual(image.aspect.max + 1e-9);
  }
  // Animation kept exactly where the platform animates GIFs (within its GIF limits).
  if (input.animatedFrames) {
    if (image.animatedGif && image.formats.includes('gif')) {
      expect(pages).toBe(input.animatedFrames);
      if (image.animatedGif.maxWidth) expect(width).toBeLessThanOrEqual(image.animatedGif.maxWidth);
      if (image.animatedGif.maxHeight) expect(height).toBeLessThanOrEqual(image.animatedGif.maxHeight);
    } else expect(pages).toBe(1);
  }
  // Transparency kept where it shows (PNG/WebP), otherwise flattened onto white, never black.
  if (input.transparent) {
    const stats = await sharp(fitted.bytes).stats();
    const { data, info } = await sharp(fitted.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const at = (input.transparent.y * info.width + input.transparent.x) * 4;
    if (image.transparency && (image.formats.includes('png') || image.formats.includes('webp'))) {
      expect(stats.isOpaque).toBe(false);
      expect(data[at + 3]).toBe(0);
    } else {
      expect(stats.isOpaque).toBe(true);
      expect([data[at], data[at + 1], data[at + 2]].every((v) => v! > 240)).toBe(true);
    }
  }
  if (input.cmyk) expect(meta.space).toBe('srgb');
}

describe.each(targets)('$platform $type.label', ({ type }) => {
  it.each(['photo-12mp.jpg', 'noise-40mb.png', 'logo-transparent.png', 'portrait-9x16.jpg', 'panorama.jpg', 'print-cmyk.jpg', 'animated.gif'])('%s fits every rule', async (name) => {
    const input = inputs.find((i) => i.name === name)!;
    const fitted = await fitImage(input.path, type.media);
    await checkOutput(input, type.media, fitted);
    expect(fitted.summary).toMatch(/^(sent as is \(|.+, [\d.]+ (MB|KB|bytes)$)/);
  }, 60_000);
});

describe('choices and facts', () => {
  const instagram = PLATFORM_SPECS.instagram.contentTypes.find((c) => c.id === 'instagram_post')!.media;

  it('Instagram 4:5 to 1.91:1: a 9:16 portrait is cropped or padded to 4:5, a panorama to 1.91:1, as the creator chooses', async () => {
    const portrait = inputs.find((i) => i.name === 'portrait-9x16.jpg')!;
    const crop = await fitImage(portrait.path, instagram, { aspect: 'crop' });
    expect(crop.width / crop.height).toBeCloseTo(0.8, 2);
    expect(crop.summary).toMatch(/^cropped to 4:5, [\d.]+ (MB|KB)$/);
    const pad = await fitImage(portrait.path, instagram, { aspect: 'pad' });
    expect(pad.width / pad.height).toBeCloseTo(0.8, 2);
    expect(pad.height).toBeLessThanOrEqual(1920);
    // Padding adds white borders left and right; the picture itself fills the middle.
    const { data, info } = await sharp(pad.bytes).raw().toBuffer({ resolveWithObject: true });
    const left = (Math.floor(info.height / 2) * info.width + 2) * info.channels;
    expect([data[left], data[left + 1], data[left + 2]].every((v) => v! > 245)).toBe(true);
    expect(pad.summary).toMatch(/padded to 4:5/);
    const panorama = await fitImage(inputs.find((i) => i.name === 'panorama.jpg')!.path, instagram);
    expect(panorama.width / panorama.height).toBeCloseTo(1.91, 2);
    expect(panorama.width).toBeLessThanOrEqual(1440);
  });

  it('facts: displayed size, frames, transparency actually used, CMYK', async () => {
    const facts = Object.fromEntries(await Promise.all(inputs.map(async (i) => [i.name, await readImageFacts(i.path)] as const)));
    expect(facts['animated.gif']).toMatchObject({ mime: 'image/gif', frames: 12, width: 600, height: 400, hasAlpha: false });
    expect(facts['logo-transparent.png']).toMatchObject({ hasAlpha: true, frames: 1 });
    expect(facts['print-cmyk.jpg']).toMatchObject({ colorSpace: 'cmyk' });
    expect(facts['photo-12mp.jpg']).toMatchObject({ width: 4000, height: 3000, hasAlpha: false, colorSpace: 'srgb' });
  });

  it('Facebook: a 12 MP photo is resized to 2,048 px and the line says so with its real size', async () => {
    const facebook = PLATFORM_SPECS.facebook.contentTypes[0]!.media;
    const fitted = await fitImage(inputs.find((i) => i.name === 'photo-12mp.jpg')!.path, facebook);
    expect({ width: fitted.width, height: fitted.height }).toEqual({ width: 2048, height: 1536 });
    expect(fitted.summary).toMatch(/^resized to 2,048 px, [\d.]+ (MB|KB)$/);
  });

  it('what is not an image is refused with a reason; the original files are byte-identical after every fit', async () => {
    const text = join(dir.dir, 'notes.png');
    writeFileSync(text, 'not an image');
    await expect(fitImage(text, instagram)).rejects.toThrow(/cannot be read as an image/);
    for (const input of inputs) expect(createHash('sha256').update(readFileSync(input.path)).digest('hex')).toBe(input.sha);
  });
});
