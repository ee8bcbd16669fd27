import { createRequire } from 'node:module';
import type * as TwitterText from 'twitter-text';
import type { CountingMethod } from '../../../shared/platforms/catalog';

// twitter-text is CommonJS that sets `module.exports = exports.default`, so Node's ESM loader
// (tsx, the electron-vite bundle, which keeps dependencies external) sees only a `default`
// export and no named ones, while vite's SSR interop in vitest sees both. `require` gives the
// same object everywhere. Required on the first X count (it costs ~50 ms to load), not at start.
let twitterText: typeof TwitterText | undefined;
const twitter = () => (twitterText ??= createRequire(import.meta.url)('twitter-text') as typeof TwitterText);

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// Printable ASCII plus \n and \t: one grapheme per code unit. \r is excluded because \r\n is a
// single grapheme.
const SIMPLE_ASCII = /^[\x20-\x7e\n\t]*$/;

/** User-perceived characters, as Bluesky and Mastodon count them. */
export function countGraphemes(text: string): number {
  if (SIMPLE_ASCII.test(text)) return text.length;
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** Unicode code points (an emoji made of one code point counts 1). */
export function countCodePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** X's weighted length (twitter-text `parseTweet`): URLs 23, CJK and emoji 2. */
export function countX(text: string): number {
  return twitter().parseTweet(text).weightedLength;
}

// Mastodon's own countable-text rules (app/javascript/mastodon/features/compose/util/counter.js
// and StatusLengthValidator): every http(s) URL counts as `urlLength`, a remote mention
// @user@domain counts as @user.
const MASTODON_URL = /(^|[^\w/])(https?:\/\/[^\s<>"'`]*[^\s<>"'`.,:;!?)\]}])/giu;
const MASTODON_REMOTE_MENTION = /(^|[^/\w])@(([a-z0-9_]+)@[a-z0-9.-]+[a-z0-9]+)/gi;

/** Mastodon's length: graphemes, URLs as `urlLength` characters, remote mentions without the domain. */
export function countMastodon(text: string, urlLength = 23): number {
  if (!text.includes('://') && !text.includes('@')) return countGraphemes(text);
  const stand = 'x'.repeat(urlLength);
  const countable = text.replace(MASTODON_URL, (_m, before: string) => before + stand).replace(MASTODON_REMOTE_MENTION, (_m, before: string, _full: string, user: string) => `${before}@${user}`);
  return countGraphemes(countable);
}

/** UTF-8 bytes (Bluesky's 3,000-byte record limit, YouTube's 5,000-byte description). */
export function countUtf8Bytes(text: string): number {
  return utf8.encode(text).length;
}

// Threads: "Text posts are limited to 500 characters. Emojis are counted as the number of UTF-8
// bytes" (developers.facebook.com/documentation/threads/posts, which links grapheme-splitter):
// a grapheme counts 1, one holding an emoji (a pictograph, a flag's regional indicators, a keycap)
// counts its UTF-8 bytes, so 😀 is 4, ❤️ 6, a family of four 25.
const THREADS_EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
const utf8 = new TextEncoder();

/** Threads' length: graphemes, each emoji weighing its UTF-8 bytes. */
export function countThreads(text: string): number {
  if (SIMPLE_ASCII.test(text)) return text.length;
  let n = 0;
  for (const { segment } of segmenter.segment(text)) n += THREADS_EMOJI.test(segment) ? utf8.encode(segment).length : 1;
  return n;
}

/** Counts a text the way a platform does. */
export function countText(text: string, method: CountingMethod, options: { urlLength?: number } = {}): number {
  switch (method) {
    case 'x-weighted':
      return countX(text);
    case 'graphemes':
      return countGraphemes(text);
    case 'mastodon':
      return countMastodon(text, options.urlLength);
    case 'code-points':
      return countCodePoints(text);
    case 'utf16':
      return text.length;
    case 'utf8-bytes':
      return countUtf8Bytes(text);
    case 'threads':
      return countThreads(text);
  }
}
