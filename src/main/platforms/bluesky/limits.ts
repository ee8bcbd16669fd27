/** Bluesky's limits, from the app.bsky lexicons (app.bsky.feed.post, app.bsky.embed.*). */
export const BLUESKY_LIMITS = {
  /** app.bsky.feed.post `text` maxGraphemes. */
  maxGraphemes: 300,
  /** app.bsky.embed.images `images` maxLength. */
  maxImages: 4,
  /** app.bsky.embed.images `image` and app.bsky.embed.external `thumb` maxSize, in bytes. */
  maxImageBytes: 1_000_000,
  /** app.bsky.embed.video `video` maxSize, in bytes (MP4 only). */
  maxVideoBytes: 100_000_000,
  /** app.bsky.feed.post `langs` maxLength. */
  maxLanguages: 3,
  /** app.bsky.embed.external `title` is unbounded in the lexicon; the app shows about this much. */
  maxCardTitle: 300,
  maxCardDescription: 1_000,
  /**
   * The longest side Bluesky's CDN ever serves (its `feed_fullsize` variant): pixels beyond it are
   * never seen, so a re-encode starts there.
   */
  maxImageSide: 2_000,
} as const;

/** Image types the Bluesky app and CDN accept as they are; anything else is re-encoded. */
export const BLUESKY_IMAGE_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
