import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { fitImage } from './image';

const noise = (width: number, height: number) => sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });

describe('fitImage', () => {
  test('an image under the limit in a type Bluesky shows is sent as it is', async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#336699' } }).png().toBuffer();
    const fitted = await fitImage(png, 'image/png');
    expect(fitted.reencoded).toBe(false);
    expect(Buffer.from(fitted.bytes).equals(png)).toBe(true);
    expect(fitted).toMatchObject({ mime: 'image/png', width: 300, height: 200 });
  });

  test('an image over the limit is re-encoded under it, keeping its aspect ratio and most of the byte budget', async () => {
    const source = await noise(2400, 1600).png().toBuffer();
    expect(source.byteLength).toBeGreaterThan(1_000_000);
    const copy = Buffer.from(source);
    const fitted = await fitImage(source, 'image/png');
    expect(Buffer.from(source).equals(copy)).toBe(true); // the input is never modified
    expect(fitted.reencoded).toBe(true);
    expect(fitted.mime).toBe('image/jpeg');
    expect(fitted.bytes.byteLength).toBeLessThanOrEqual(1_000_000);
    expect(fitted.bytes.byteLength).toBeGreaterThan(800_000);
    expect(fitted.width / fitted.height).toBeCloseTo(1.5, 2);
    const meta = await sharp(fitted.bytes).metadata();
    expect({ width: meta.width, height: meta.height, format: meta.format }).toEqual({ width: fitted.width, height: fitted.height, format: 'jpeg' });
  });

  test('a big photo-like image keeps the full 2000 px Bluesky serves, at high quality', async () => {
    // Smooth content compresses well: only the size cap and a quality step should be needed.
    const gradient = Buffer.alloc(4000 * 3000 * 3);
    for (let y = 0; y < 3000; y += 1) for (let x = 0; x < 4000; x += 1) {
      const i = (y * 4000 + x) * 3;
      gradient[i] = x & 0xff;
      gradient[i + 1] = y & 0xff;
      gradient[i + 2] = (x + y) & 0xff;
    }
    const source = await sharp(gradient, { raw: { width: 4000, height: 3000, channels: 3 } }).png().toBuffer();
    const fitted = await fitImage(source, 'image/png');
    expect(fitted.bytes.byteLength).toBeLessThanOrEqual(1_000_000);
    expect({ width: fitted.width, height: fitted.height }).toEqual({ width: 2000, height: 1500 });
  });

  test('the aspect ratio follows EXIF orientation (a portrait photo stored sideways)', async () => {
    const sideways = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#aa3300' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const small = await fitImage(sideways, 'image/jpeg');
    expect(small).toMatchObject({ reencoded: false, width: 300, height: 400 });
    expect((await sharp(small.bytes).metadata()).orientation).toBe(6);
    const forced = await fitImage(sideways, 'image/jpeg', 1_000); // tiny limit: re-encoded, upright
    const meta = await sharp(forced.bytes).metadata();
    expect(forced.width).toBeLessThan(forced.height);
    expect({ width: meta.width, height: meta.height }).toEqual({ width: forced.width, height: forced.height });
  });

  test('a JPEG sent as it is loses its EXIF (GPS position, camera notes) but keeps its pixels and orientation', async () => {
    const photo = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#204060' } })
      .jpeg({ quality: 90 })
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD0: { Copyright: 'SECRET-OWNER' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
      .toBuffer();
    expect(photo.includes('SECRET-OWNER')).toBe(true);
    const before = await sharp(photo).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif!.byteLength).toBeGreaterThan(80); // orientation, copyright and a GPS directory

    const fitted = await fitImage(photo, 'image/jpeg');
    const out = Buffer.from(fitted.bytes);
    expect(fitted.reencoded).toBe(false);
    expect(out.includes('SECRET-OWNER')).toBe(false);
    const after = await sharp(out).metadata();
    expect(after.orientation).toBe(6);
    expect(after.exif!.byteLength).toBeLessThan(40); // only the orientation block is left
    expect({ width: fitted.width, height: fitted.height }).toEqual({ width: 80, height: 120 });
    // The compressed image itself is untouched: identical pixels.
    const raw = (b: Buffer) => sharp(b).raw().toBuffer();
    expect((await raw(out)).equals(await raw(photo))).toBe(true);
  });

  test('a type Bluesky does not show (TIFF) is re-encoded even when small', async () => {
    const tiff = await sharp({ create: { width: 50, height: 40, channels: 3, background: '#00ff00' } }).tiff().toBuffer();
    const fitted = await fitImage(tiff, 'image/tiff');
    expect(fitted).toMatchObject({ reencoded: true, mime: 'image/jpeg', width: 50, height: 40 });
    expect((await sharp(fitted.bytes).metadata()).format).toBe('jpeg');
  });

  test('transparency is flattened onto white when a PNG has to become a JPEG', async () => {
    // Busy colour under a fully transparent alpha: a big PNG that looks empty.
    const rgba = randomBytes(400 * 300 * 4);
    for (let i = 3; i < rgba.length; i += 4) rgba[i] = 0;
    const clear = await sharp(rgba, { raw: { width: 400, height: 300, channels: 4 } }).png().toBuffer();
    expect(clear.byteLength).toBeGreaterThan(100_000);
    const fitted = await fitImage(clear, 'image/png', 100_000);
    expect(fitted.reencoded).toBe(true);
    const { data } = await sharp(fitted.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(240); // white, not the black under the transparent pixels
  });

  test('bytes that are not an image are refused', async () => {
    await expect(fitImage(new TextEncoder().encode('not an image'), 'image/png')).rejects.toThrow();
  });
});
