import { useEffect, useRef, useState } from 'react';
import type { Media, VideoCover } from '../../../shared/domain';
import { Dialog } from '../components/Dialog';
import { plainError } from '../lib/errors';
import { playableUrl, useMediaStore } from '../stores/media.store';

/** Longest side of a drawn frame: what the platforms show as a thumbnail, at most. */
const MAX_FRAME_SIDE = 1920;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Resolves once the video shows the frame it was asked for (or at once when it already does). */
function seeked(video: HTMLVideoElement): Promise<void> {
  if (!video.seeking && video.readyState >= 2) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      video.removeEventListener('seeked', done);
      video.removeEventListener('loadeddata', done);
      video.removeEventListener('error', failed);
      resolve();
    };
    const failed = () => reject(new Error('the video cannot be played here'));
    video.addEventListener('seeked', done);
    video.addEventListener('loadeddata', done);
    video.addEventListener('error', failed);
  });
}

/** Draws the video's current frame into a JPEG, at most MAX_FRAME_SIDE on its longer side. */
async function drawFrame(video: HTMLVideoElement): Promise<Blob> {
  await seeked(video);
  const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(video.videoWidth * scale));
  canvas.height = Math.max(1, Math.round(video.videoHeight * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this window cannot draw images');
  context.drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the frame could not be drawn'))), 'image/jpeg', 0.92));
}

/**
 * A video's cover: a frame picked with a slider over the real <video> (drawn to a canvas and
 * imported as an image, its time kept for TikTok), or an image of the creator's own.
 */
export function CoverPicker({ video, cover, name, onChange, onClose }: { video: Media; cover: VideoCover | null; name: string; onChange: (cover: VideoCover | null) => void; onClose: () => void }) {
  const { thumbs, importBlob, importFile, ensure } = useMediaStore();
  const player = useRef<HTMLVideoElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const [duration, setDuration] = useState<number>(video.durationMs ?? 0);
  const [atMs, setAtMs] = useState<number>(cover?.atMs ?? 0);
  const [playable, setPlayable] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const url = playableUrl(video);
  const step = video.frameRate ? Math.max(1, Math.round(1000 / video.frameRate)) : 40;

  useEffect(() => {
    if (cover?.mediaId) ensure([cover.mediaId]);
  }, [cover?.mediaId, ensure]);

  const seek = (ms: number) => {
    const clamped = Math.max(0, Math.min(ms, duration || ms));
    setAtMs(clamped);
    if (player.current) player.current.currentTime = clamped / 1000;
  };

  async function takeFrame() {
    const element = player.current;
    if (!element) return;
    setBusy(true);
    setError(null);
    try {
      const blob = await drawFrame(element);
      const at = Math.round(element.currentTime * 1000);
      const result = await importBlob(`cover-${at}ms.jpg`, blob);
      if (!result.ok) {
        setError(plainError(result.error));
        return;
      }
      onChange({ atMs: Math.min(at, video.durationMs ?? at), mediaId: result.value.id });
      onClose();
    } catch (e) {
      setError(`The frame could not be used: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  async function takeImage(file: File) {
    setBusy(true);
    setError(null);
    try {
      const result = await importFile(file);
      if (!result.ok) {
        setError(`${file.name}: ${plainError(result.error)}`);
        return;
      }
      if (result.value.kind !== 'image') {
        setError(`${file.name} is a video: a cover must be an image (JPEG, PNG or WebP)`);
        return;
      }
      onChange({ atMs: null, mediaId: result.value.id });
      onClose();
    } finally {
      setBusy(false);
    }
  }

  const current = cover?.mediaId ? thumbs[cover.mediaId] : undefined;
  return (
    <Dialog
      open
      title={`Cover for ${name}`}
      onClose={onClose}
      className="cover-dialog"
      footer={
        <>
          {cover ? (
            <button
              type="button"
              className="button button-danger-quiet"
              disabled={busy}
              onClick={() => {
                onChange(null);
                onClose();
              }}
            >
              Remove cover
            </button>
          ) : null}
          <button type="button" className="button" disabled={busy} onClick={() => picker.current?.click()}>
            Choose an image…
          </button>
          <button type="button" className="button button-primary" disabled={busy || !url || playable === false} onClick={() => void takeFrame()} data-autofocus={url ? undefined : true}>
            {busy ? 'Saving…' : 'Use this frame'}
          </button>
        </>
      }
    >
      <div className="cover-picker">
        {url ? (
          <>
            <video
              ref={player}
              className="cover-video"
              src={url}
              crossOrigin="anonymous"
              preload="auto"
              muted
              playsInline
              aria-label={`${name}, at the chosen frame`}
              onLoadedMetadata={(e) => {
                const ms = Number.isFinite(e.currentTarget.duration) ? Math.round(e.currentTarget.duration * 1000) : 0;
                if (ms > 0) setDuration(ms);
                setPlayable(true);
                e.currentTarget.currentTime = atMs / 1000;
              }}
              onError={() => setPlayable(false)}
            />
            <div className="field cover-slider">
              <label htmlFor="cover-frame">Cover frame</label>
              <input
                id="cover-frame"
                type="range"
                min={0}
                max={Math.max(duration, 1)}
                step={step}
                value={atMs}
                disabled={playable === false}
                aria-valuetext={`${seconds(atMs)} of ${seconds(duration)}`}
                onChange={(e) => seek(Number(e.target.value))}
                data-autofocus
              />
              <p className="hint" aria-hidden="true">
                {seconds(atMs)} of {seconds(duration)} · arrow keys move one frame
              </p>
            </div>
            {playable === false ? (
              <p className="callout callout-warning" role="alert">
                <span aria-hidden="true">⚠ </span>This window cannot play {video.videoCodec ? `${video.videoCodec.toUpperCase()} ` : ''}video, so no frame can be drawn: choose an image instead. The video itself is sent as it is.
              </p>
            ) : null}
          </>
        ) : (
          <p className="callout">Frames can be picked in the desktop app. Here, choose an image as the cover.</p>
        )}
        {current ? (
          <figure className="cover-current">
            <img src={current} alt="" />
            <figcaption className="hint">Current cover{cover?.atMs !== null && cover?.atMs !== undefined ? `: the frame at ${seconds(cover.atMs)}` : ': an image'}</figcaption>
          </figure>
        ) : null}
        <p className="hint">YouTube, Instagram Reels and Facebook show the cover image; TikTok takes the frame’s time.</p>
        <input
          ref={picker}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          hidden
          aria-label="Choose a cover image"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void takeImage(file);
          }}
        />
        {error ? (
          <p className="field-error" role="alert">
            <span aria-hidden="true">⚠ </span>
            {error}
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}
