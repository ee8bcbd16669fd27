import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/core';
import { makeVideo } from '../../../../test/support/videos';
import { parseProbe, readVideoFacts } from './video-facts';

const dir = tempDir('outbox-video-facts-');
const at = (name: string) => join(dir.dir, name);
afterAll(() => dir.remove());

beforeAll(async () => {
  await Promise.all([
    makeVideo(at('talk.mp4'), { container: 'mp4', seconds: 2, width: 640, height: 360, fps: 30 }),
    makeVideo(at('clip.mov'), { container: 'mov', seconds: 1.5, width: 320, height: 240, fps: 25 }),
    makeVideo(at('web.webm'), { container: 'webm', seconds: 1, width: 320, height: 180, fps: 24 }),
    makeVideo(at('phone.mp4'), { container: 'mp4', seconds: 1, width: 640, height: 360, fps: 30, rotate: 90 }),
    makeVideo(at('late-moov.mp4'), { container: 'mp4', seconds: 1, width: 160, height: 120, faststart: false, audio: false }),
    makeVideo(at('hevc.mp4'), { container: 'mp4', seconds: 1, width: 320, height: 240, codec: 'hevc' }),
  ]);
}, 60_000);

describe('readVideoFacts (ffprobe)', () => {
  it('MP4 H.264/AAC: duration, size, frame rate, codecs, container, bytes', async () => {
    const facts = await readVideoFacts(at('talk.mp4'));
    expect(facts).toMatchObject({ width: 640, height: 360, frameRate: 30, videoCodec: 'h264', audioCodec: 'aac', rotation: 0, container: 'mp4', bytes: readFileSync(at('talk.mp4')).length });
    expect(facts.durationMs).toBeGreaterThanOrEqual(1_950);
    expect(facts.durationMs).toBeLessThanOrEqual(2_100);
  });

  it('MOV is told from MP4 by its QuickTime brand', async () => {
    expect(await readVideoFacts(at('clip.mov'))).toMatchObject({ container: 'mov', videoCodec: 'h264', audioCodec: 'aac', frameRate: 25, width: 320, height: 240 });
  });

  it('WebM VP9/Opus gets its facts too', async () => {
    const facts = await readVideoFacts(at('web.webm'), { mime: 'video/webm' });
    expect(facts).toMatchObject({ container: 'webm', videoCodec: 'vp9', audioCodec: 'opus', frameRate: 24, width: 320, height: 180 });
    expect(facts.durationMs).toBeGreaterThanOrEqual(900);
  });

  it('a phone video recorded rotated reports its upright size and the rotation', async () => {
    const facts = await readVideoFacts(at('phone.mp4'));
    expect(facts).toMatchObject({ width: 360, height: 640 });
    // The 2018 ffmpeg in @ffmpeg-installer writes the matrix with the opposite sign of a phone's,
    // so its 90 reads back as 270: either way a quarter turn, which swaps the sides.
    expect([90, 270]).toContain(facts.rotation);
  });

  it('the movie header after the media data (not "fast start"), no sound, and HEVC', async () => {
    expect(await readVideoFacts(at('late-moov.mp4'))).toMatchObject({ width: 160, height: 120, audioCodec: null, container: 'mp4' });
    expect(await readVideoFacts(at('hevc.mp4'))).toMatchObject({ videoCodec: 'hevc', container: 'mp4' });
  });

  it('a file that is no video, or a truncated one, is refused with ffprobe\'s reason', async () => {
    writeFileSync(at('junk.mp4'), Buffer.concat([Buffer.from('00000018667479706d703432000000006d70343269736f6d', 'hex'), Buffer.alloc(2048, 7)]));
    await expect(readVideoFacts(at('junk.mp4'))).rejects.toThrow(/ffprobe cannot read the video/);
    const whole = readFileSync(at('late-moov.mp4'));
    writeFileSync(at('cut.mp4'), whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(readVideoFacts(at('cut.mp4'))).rejects.toThrow(/ffprobe cannot read the video/);
  });

  it('reads rotation from the display matrix (counter-clockwise) or an old rotate tag (clockwise)', () => {
    const stream = { codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080, avg_frame_rate: '30000/1001' };
    expect(parseProbe({ streams: [{ ...stream, side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] }] })).toMatchObject({ rotation: 90, width: 1080, height: 1920, frameRate: 29.97 });
    expect(parseProbe({ streams: [{ ...stream, tags: { rotate: '270' } }] })).toMatchObject({ rotation: 270, width: 1080, height: 1920 });
    expect(parseProbe({ streams: [{ ...stream, side_data_list: [{ side_data_type: 'Display Matrix', rotation: 180 }] }] })).toMatchObject({ rotation: 180, width: 1920 });
    // A cover picture is not the video.
    expect(() => parseProbe({ streams: [{ codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } }] })).toThrow(/no video stream/);
  });
});
