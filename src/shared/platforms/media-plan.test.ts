import { describe, expect, it } from 'vitest';
import { contentTypeSpec } from './catalog';
import { describeMedia, planImage, videoRefusal, type MediaFactsForPlan } from './media-plan';

const MB = 1024 * 1024;
const photo = (over: Partial<MediaFactsForPlan> = {}): MediaFactsForPlan => ({ kind: 'image', mime: 'image/jpeg', bytes: 5 * MB, width: 4000, height: 3000, frames: 1, hasAlpha: false, colorSpace: 'srgb', ...over });
const video = (over: Partial<MediaFactsForPlan> = {}): MediaFactsForPlan => ({ kind: 'video', mime: 'video/mp4', bytes: 40 * MB, width: 1080, height: 1920, durationMs: 30_000, container: 'mp4', videoCodec: 'h264', audioCodec: 'aac', frameRate: 30, ...over });
const line = (items: MediaFactsForPlan[], platform: Parameters<typeof describeMedia>[1], type: string, options?: Parameters<typeof describeMedia>[3]) => describeMedia(items, platform, type, options);

describe('describeMedia: what will be sent, in words', () => {
  it('Facebook: a 12 MP photo is resized to 2,048 px (exact once fitted)', () => {
    expect(line([photo()], 'facebook', 'facebook_post').lines[0]).toMatchObject({ action: 'fit', summary: 'resized to 2,048 px, at most 10 MB' });
    const fitted = line([photo()], 'facebook', 'facebook_post', { outcomes: [{ bytes: 1.4 * MB, width: 2048, height: 1536, format: 'jpeg' }] });
    expect(fitted.lines[0]!.summary).toBe('resized to 2,048 px, 1.4 MB');
  });

  it('a photo a platform takes as it is goes as it is', () => {
    expect(line([photo({ bytes: 1.2 * MB, width: 1600, height: 1200 })], 'x', 'x_post')).toEqual({ lines: [{ action: 'as_is', summary: 'sent as is (1.2 MB)', image: expect.objectContaining({ action: 'as_is', format: 'jpeg' }) }], refusal: null });
  });

  it('Instagram takes JPEG only, within 1,440 px and 4:5 to 1.91:1: crop or pad, as chosen', () => {
    expect(line([photo({ mime: 'image/webp', width: 1200, height: 1200, bytes: MB })], 'instagram', 'instagram_post').lines[0]!.summary).toBe('converted to JPEG, at most 8 MB');
    const tall = photo({ width: 1080, height: 1920, bytes: 2 * MB });
    expect(line([tall], 'instagram', 'instagram_post').lines[0]!.summary).toBe('cropped to 4:5, at most 8 MB');
    const padded = line([tall], 'instagram', 'instagram_post', { aspect: 'pad' }).lines[0]!;
    expect(padded.summary).toBe('resized to 1,800 px, padded to 4:5, at most 8 MB');
    expect(padded.image).toMatchObject({ width: 1440, height: 1800, aspect: { fit: 'pad', ratio: 0.8 } });
    const panorama = planImage(photo({ width: 8000, height: 1000 }), contentTypeSpec('instagram', 'instagram_post')!.media);
    expect(panorama).toMatchObject({ width: 1440, aspect: { fit: 'crop', ratio: 1.91 } });
    if (typeof panorama !== 'string') expect(panorama.width / panorama.height).toBeLessThanOrEqual(1.91);
  });

  it('transparency is kept where it shows (X: PNG as is) and flattened where it does not (TikTok photo: JPEG)', () => {
    const logo = photo({ mime: 'image/png', hasAlpha: true, width: 800, height: 600, bytes: 300 * 1024 });
    expect(line([logo], 'x', 'x_post').lines[0]!.summary).toBe('sent as is (300 KB)');
    expect(line([logo], 'tiktok', 'tiktok_photo').lines[0]!.summary).toBe('transparency flattened onto white, converted to JPEG, at most 20 MB');
    expect(planImage(logo, contentTypeSpec('tiktok', 'tiktok_photo')!.media)).toMatchObject({ format: 'jpeg', alpha: false });
  });

  it('an animated GIF stays animated on X within its limits, and loses its animation on Instagram', () => {
    const gif = photo({ mime: 'image/gif', frames: 40, width: 1920, height: 1080, bytes: 6 * MB });
    expect(planImage(gif, contentTypeSpec('x', 'x_post')!.media)).toMatchObject({ animated: true, format: 'gif', width: 1280, height: 720, maxBytes: 15 * MB });
    expect(planImage(gif, contentTypeSpec('instagram', 'instagram_post')!.media)).toMatchObject({ animated: false, format: 'jpeg' });
    expect(line([gif], 'instagram', 'instagram_post').lines[0]!.summary).toMatch(/only its first frame is sent/);
    expect(line([photo({ mime: 'image/gif', frames: 400, width: 400, height: 300, bytes: MB })], 'x', 'x_post').lines[0]).toEqual({ action: 'refuse', summary: 'the GIF has 400 frames; at most 350 are taken' });
  });

  it('CMYK colours are converted; an image of unknown size is refused', () => {
    expect(line([photo({ colorSpace: 'cmyk', width: 1000, height: 800, bytes: MB })], 'x', 'x_post').lines[0]!.summary).toBe('CMYK colours converted to sRGB, at most 5 MB');
    expect(line([photo({ width: null, height: null })], 'x', 'x_post').lines[0]).toEqual({ action: 'refuse', summary: 'its size cannot be read' });
  });

  it('videos are never re-encoded: too long, wrong container, codec, sound or frame rate is refused with the reason', () => {
    expect(line([video({ durationMs: 185_000 })], 'x', 'x_post').lines[0]).toEqual({ action: 'refuse', summary: 'too long: 3 min 5 s; a post can be at most 2 min 20 s' });
    expect(line([video({ durationMs: 2_000 })], 'tiktok', 'tiktok_video').lines[0]!.summary).toBe('too short: 2 s; a video must be at least 3 s');
    expect(line([video({ container: 'webm', videoCodec: 'vp9', audioCodec: 'opus' })], 'instagram', 'instagram_reel').lines[0]!.summary).toBe('the video is a WebM file; a reel takes MP4 or MOV');
    expect(line([video({ container: 'mov', videoCodec: 'hevc' })], 'x', 'x_post').lines[0]!.summary).toBe('the video is HEVC (H.265) video; a post takes H.264');
    expect(line([video({ audioCodec: 'opus' })], 'instagram', 'instagram_reel').lines[0]!.summary).toBe('the video has Opus sound; a reel takes AAC sound');
    expect(line([video({ frameRate: 120 })], 'tiktok', 'tiktok_video').lines[0]!.summary).toBe('the video is 120 frames a second; a video takes at most 60');
    expect(line([video({ durationMs: 90_000 })], 'youtube', 'youtube_short').lines[0]).toEqual({ action: 'as_is', summary: 'sent as is (40 MB, 1 min 30 s)' });
    expect(line([video({ durationMs: 181_000 })], 'youtube', 'youtube_short').lines[0]!.summary).toBe('too long: 3 min 1 s; a short can be at most 3 min');
    expect(videoRefusal(video({ container: 'webm', videoCodec: 'vp9', audioCodec: 'opus' }), contentTypeSpec('tiktok', 'tiktok_video')!.media)).toBeNull();
  });

  it('too many items, or images and video mixed, refuse the set', () => {
    expect(line([photo(), photo(), photo(), photo(), photo()], 'x', 'x_post').refusal).toBe('too many images: 5; at most 4');
    expect(line([...Array.from({ length: 6 }, () => photo()), ...Array.from({ length: 5 }, () => video())], 'instagram', 'instagram_carousel').refusal).toBe('too many items: 11; a carousel takes at most 10');
    expect(line([photo(), video()], 'x', 'x_post').refusal).toBe('images and video cannot be combined here');
    expect(line([photo()], 'youtube', 'youtube_video').refusal).toBe('a video cannot include images');
    expect(line([photo()], 'x', 'x_reel').refusal).toBe('x_reel is not a post type here');
  });
});

describe('describeMedia: documents (PDF)', () => {
  const pdf = (bytes = 2 * MB): MediaFactsForPlan => ({ kind: 'document', mime: 'application/pdf', bytes, width: null, height: null });
  it('LinkedIn takes one PDF as it is, up to 100 MB, alone', () => {
    expect(line([pdf()], 'linkedin', 'linkedin_post')).toEqual({ lines: [{ action: 'as_is', summary: 'sent as is (2 MB)' }], refusal: null });
    expect(line([pdf(120 * MB)], 'linkedin-page', 'linkedin_post').lines[0]).toEqual({ action: 'refuse', summary: '120 MB; the limit is 100 MB' });
    expect(line([pdf(), pdf()], 'linkedin', 'linkedin_post').refusal).toBe('too many documents: 2; at most 1');
    expect(line([pdf(), photo()], 'linkedin', 'linkedin_post').refusal).toBe('a document (PDF) goes alone, without images or video');
  });

  it('every other platform refuses a PDF by its catalog rules', () => {
    for (const [platform, type] of [['x', 'x_post'], ['bluesky', 'bluesky_post'], ['instagram', 'instagram_carousel'], ['telegram', 'telegram_message']] as const) {
      const plan = line([pdf()], platform, type);
      expect(plan.refusal, platform).toMatch(/cannot include a document \(PDF\)/);
      expect(plan.lines[0]!.action, platform).toBe('refuse');
    }
  });
});
