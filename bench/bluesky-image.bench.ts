// The cost of fitting images under Bluesky's 1,000,000-byte blob limit (fitImage), per image:
// a 12 MP photo-like image (gradients plus grain), a 6 MP noise image (worst case: needs size
// steps), and a small JPEG that only loses its metadata.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { fitImage } from '../src/main/platforms/bluesky/image';
import { report, sample } from './stats';

export async function run() {
  const photoPixels = Buffer.alloc(4000 * 3000 * 3);
  const grain = randomBytes(photoPixels.length);
  for (let y = 0; y < 3000; y += 1) {
    for (let x = 0; x < 4000; x += 1) {
      const i = (y * 4000 + x) * 3;
      // Gradients and waves plus sensor-like grain: compresses like a real photo.
      photoPixels[i] = Math.min(255, (x * 240) / 4000 + (grain[i]! & 15));
      photoPixels[i + 1] = Math.min(255, (y * 240) / 3000 + (grain[i + 1]! & 15));
      photoPixels[i + 2] = Math.min(255, (Math.sin(x / 40) * Math.cos(y / 30) * 120 + 128 + (grain[i + 2]! & 15)) | 0);
    }
  }
  const photo = await sharp(photoPixels, { raw: { width: 4000, height: 3000, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
  const noise = await sharp(randomBytes(3000 * 2000 * 3), { raw: { width: 3000, height: 2000, channels: 3 } }).png().toBuffer();
  const small = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#336699' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();

  let out = 0;
  report(`fitImage 12 MP photo-like JPEG (${(photo.byteLength / 1e6).toFixed(1)} MB)`, await sample(async () => (out = (await fitImage(photo, 'image/jpeg')).bytes.byteLength), 5, 1));
  console.log(`  -> ${out} bytes`);
  report(`fitImage 6 MP noise PNG (${(noise.byteLength / 1e6).toFixed(1)} MB, worst case)`, await sample(async () => (out = (await fitImage(noise, 'image/png')).bytes.byteLength), 5, 1));
  console.log(`  -> ${out} bytes`);
  report('fitImage small JPEG under the limit (metadata strip only)', await sample(() => fitImage(small, 'image/jpeg'), 200));
  const rss = process.memoryUsage().rss;
  console.log(`rss after: ${(rss / 1e6).toFixed(0)} MB`);
}
