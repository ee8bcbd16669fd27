// Media in the composer, in Chromium against the browser harness: a real MP4 (made with ffmpeg)
// picked in the composer, its cover frame picked with the slider over the real <video> element,
// drawn to a canvas and imported as an image (checked against the frame ffmpeg decodes at the
// same time); "what will be sent" per platform; Instagram's crop or pad chosen with a preview;
// the acceptance screenshot of the composer with a video, its cover and two platforms' lines.
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Media, Post } from '../../src/shared/domain';
import { tempDir } from '../support/core';
import { ffmpeg, makeVideo } from '../support/videos';
import { useApp } from './support/browser';
import { allPosts, engine, expectNoSeriousA11yViolations, go, insertAccount } from './support/app';

const files = tempDir('outbox-e2e-media-');
let video: string;
let panorama: string;

beforeAll(async () => {
  // H.264 in MP4, as phones record: Debian's Chromium decodes it (its ffmpeg has the codec).
  video = await makeVideo(join(files.dir, 'ferry.mp4'), { container: 'mp4', seconds: 4, width: 320, height: 240, fps: 25 });
  panorama = join(files.dir, 'harbour-panorama.png');
  await sharp({ create: { width: 1500, height: 500, channels: 3, background: '#3b82f6' } })
    .composite([{ input: { create: { width: 500, height: 500, channels: 3, background: '#f59e0b' } }, left: 500, top: 0 }])
    .png()
    .toFile(panorama);
}, 60_000);
afterAll(() => files.remove());

/** Mean absolute difference per channel (0..255) between two images at the same size. */
async function difference(a: Buffer | string, b: Buffer | string, width: number, height: number): Promise<number> {
  const raw = async (input: Buffer | string) => sharp(input).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const [x, y] = await Promise.all([raw(a), raw(b)]);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

describe('media in the composer', () => {
  const app = useApp();

  it('a video: its cover frame picked over the real <video>, what will be sent for two platforms, the cover in the preview', async () => {
    const { page, harness } = app;
    insertAccount(harness, { platform: 'bluesky', handle: 'ada.bsky.social', displayName: 'Ada' });
    insertAccount(harness, { platform: 'mastodon', handle: '@ada@example.social', displayName: 'Ada', instanceUrl: 'https://example.social' });
    await app.reload();
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('The morning ferry, four seconds of it');
    await composer.getByLabel('Choose media files for the post').setInputFiles(video);
    const media = composer.getByRole('list', { name: 'Media of the post' });
    await media.getByRole('button', { name: 'Choose cover of Video 1' }).waitFor();

    // What will be sent, per platform (the video goes as it is to both).
    const plan = composer.getByRole('region', { name: 'What will be sent' });
    await plan.getByText(/^Bluesky:/).waitFor();
    await expect.poll(async () => (await plan.getByRole('listitem').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/^Bluesky: sent as is \(\d+(\.\d)? KB, 4 s\)$/),
      expect.stringMatching(/^Mastodon: sent as is \(\d+(\.\d)? KB, 4 s\)$/),
    ]);

    // The cover: the slider moves the real video; the frame is drawn and imported.
    await media.getByRole('button', { name: 'Choose cover of Video 1' }).click();
    const picker = page.getByRole('dialog', { name: 'Cover for video 1' });
    const slider = picker.getByRole('slider', { name: 'Cover frame' });
    await expect.poll(() => picker.locator('video').evaluate((v) => (v as unknown as { readyState: number }).readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await slider.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('PageUp');
    const atMs = Number(await slider.inputValue());
    expect(atMs).toBeGreaterThan(1000);
    expect(atMs).toBeLessThan(3000);
    expect(await slider.getAttribute('aria-valuetext')).toMatch(/^\d\.\d s of 4\.0 s$/);
    await expect.poll(() => picker.locator('video').evaluate((v) => Math.round((v as unknown as { currentTime: number }).currentTime * 1000))).toBe(atMs);
    await expectNoSeriousA11yViolations(page, 'the cover picker');
    await picker.getByRole('button', { name: 'Use this frame' }).click();
    await picker.waitFor({ state: 'detached' });
    await media.getByText(`Cover · ${(atMs / 1000).toFixed(1)} s`).waitFor();

    // Saved with the draft: the time, and a JPEG of the frame at the video's size.
    let post: Post | undefined;
    await expect
      .poll(async () => {
        post = (await allPosts(harness)).find((p) => p.parts[0]!.text.startsWith('The morning ferry'));
        return post?.parts[0]!.media[0]?.cover?.atMs ?? null;
      }, { timeout: 5000 })
      .toBe(atMs);
    const cover = await engine<Media>(harness, 'media:get', { id: post!.parts[0]!.media[0]!.cover!.mediaId });
    expect(cover).toMatchObject({ kind: 'image', mime: 'image/jpeg', width: 320, height: 240 });
    // The drawn frame is the video's frame at that time: close to what ffmpeg decodes there, far from the first frame.
    const stored = join(harness.dataDir, 'media', `${cover.sha256}.jpg`);
    const expected = join(files.dir, 'expected.png');
    const first = join(files.dir, 'first.png');
    await ffmpeg(['-ss', String(atMs / 1000), '-i', video, '-frames:v', '1', expected]);
    await ffmpeg(['-i', video, '-frames:v', '1', first]);
    const same = await difference(stored, expected, 160, 120);
    const other = await difference(stored, first, 160, 120);
    expect(same).toBeLessThan(12);
    expect(other).toBeGreaterThan(same * 2);

    // The preview shows the video by its cover.
    await composer.getByRole('figure', { name: /Preview on Bluesky/ }).getByRole('img', { name: 'Video, shown by its cover' }).waitFor();
    await app.screenshot('composer-video-cover');
    await expectNoSeriousA11yViolations(page, 'the composer with a video and its cover');

    // Reopened later, the cover can be changed: the video plays from the library at the saved frame.
    await composer.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('alertdialog', { name: 'Keep this post as a draft?' }).getByRole('button', { name: 'Keep as draft' }).click();
    await composer.waitFor({ state: 'detached' });
    await app.reload();
    await go(page, 'Posts');
    // Drafts have their own tab (Posts opens on Upcoming).
    await page.getByRole('tab', { name: 'Drafts' }).click();
    await page.getByRole('listitem', { name: 'The morning ferry, four seconds of it' }).getByRole('button', { name: 'Edit' }).click();
    const again = page.getByRole('dialog', { name: 'Edit draft' });
    await again.getByRole('button', { name: 'Change cover of Video 1' }).click();
    const picker2 = page.getByRole('dialog', { name: 'Cover for video 1' });
    await expect.poll(() => picker2.locator('video').evaluate((v) => (v as unknown as { readyState: number }).readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(await picker2.getByRole('slider', { name: 'Cover frame' }).inputValue()).toBe(String(atMs));
    await picker2.getByRole('button', { name: 'Close' }).click();
    await again.getByRole('button', { name: 'Close' }).click();
    await again.waitFor({ state: 'detached' });
  });

  it("an image outside Instagram's range: crop or pad, each shown as it will look, and kept on the post", async () => {
    const { page, harness } = app;
    insertAccount(harness, { platform: 'instagram', handle: 'ada.makes', displayName: 'Ada' });
    await app.reload();
    await page.getByRole('button', { name: 'New post', exact: true }).click();
    const composer = page.getByRole('dialog', { name: 'New post' });
    await composer.getByRole('textbox', { name: 'Post text' }).fill('Harbour at dawn');
    await composer.getByLabel('Choose media files for the post').setInputFiles(panorama);
    const plan = composer.getByRole('region', { name: 'What will be sent' });
    const instagram = plan.getByRole('listitem').filter({ hasText: /^Instagram/ });
    await instagram.getByText(/cropped to 1\.91:1/).waitFor();
    const choice = plan.getByRole('group', { name: /Image 1 is outside what Instagram shows \(1\.91:1\)/ });
    expect(await choice.getByRole('radio', { name: 'Crop the edges' }).isChecked()).toBe(true);
    await choice.getByRole('radio', { name: 'Pad with borders' }).check();
    await instagram.getByText(/padded to 1\.91:1/).waitFor();
    await expect
      .poll(async () => (await allPosts(harness)).find((p) => p.parts[0]!.text === 'Harbour at dawn')?.parts[0]!.media[0]?.aspect ?? null, { timeout: 5000 })
      .toBe('pad');
    await app.screenshot('composer-aspect-pad');
    await composer.getByRole('button', { name: 'Close' }).click();
  });
});
