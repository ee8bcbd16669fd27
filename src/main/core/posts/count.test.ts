import { describe, expect, it } from 'vitest';
import { countCodePoints, countGraphemes, countMastodon, countThreads, countUtf8Bytes, countX } from './count';

describe('X counts with twitter-text weights', () => {
  it('Latin letters weigh 1 each', () => {
    expect(countX('hello')).toBe(5);
  });
  it('CJK characters weigh 2 each', () => {
    expect(countX('日本語')).toBe(6);
    expect(countX('한국어 text')).toBe(11);
  });
  it('an emoji weighs 2, even a ZWJ family or a flag or a skin-toned hand', () => {
    expect(countX('😀')).toBe(2);
    expect(countX('👨‍👩‍👧‍👦')).toBe(2);
    expect(countX('🇫🇷')).toBe(2);
    expect(countX('👍🏽')).toBe(2);
  });
  it('combining marks: text is NFC-normalised first, so e + U+0301 counts 1 and q + U+0307 (no precomposed form) counts 2', () => {
    expect(countX('e\u0301')).toBe(1);
    expect(countX('q\u0307')).toBe(2);
  });
  it('every URL counts 23 whatever its length', () => {
    expect(countX('https://example.com/a/very/long/path/that/goes/on/and/on?with=query')).toBe(23);
    expect(countX('see example.com')).toBe(4 + 23);
  });
  it('280 ASCII characters are exactly the limit', () => {
    expect(countX('a'.repeat(280))).toBe(280);
  });
});

describe('Bluesky counts graphemes', () => {
  it('an emoji ZWJ sequence is one grapheme', () => {
    expect(countGraphemes('👨‍👩‍👧‍👦')).toBe(1);
    expect(countGraphemes('🇫🇷🇩🇪')).toBe(2);
  });
  it('a letter with combining marks is one grapheme', () => {
    expect(countGraphemes('e\u0301')).toBe(1);
    expect(countGraphemes('Zalgo: Z\u0351\u0352\u0353')).toBe(8);
  });
  it('CJK characters count 1 each', () => {
    expect(countGraphemes('日本語')).toBe(3);
  });
  it('URLs count as their full text', () => {
    expect(countGraphemes('https://example.com/abc')).toBe(23);
    expect(countGraphemes('https://example.com/abcdefghijklmnopqrstuvwxyz')).toBe(46);
  });
  it('CRLF is one grapheme', () => {
    expect(countGraphemes('a\r\nb')).toBe(3);
  });
});

describe('Mastodon counts graphemes with URLs as 23', () => {
  it('a long URL counts 23', () => {
    expect(countMastodon('read https://example.com/a/very/long/path/that/goes/on/and/on/and/on/forever')).toBe(5 + 23);
  });
  it('a short URL also counts 23', () => {
    expect(countMastodon('https://t.co')).toBe(23);
  });
  it('a domain without a scheme is plain text', () => {
    expect(countMastodon('example.com')).toBe(11);
  });
  it('an instance can reserve another length per URL', () => {
    expect(countMastodon('https://example.com/abc', 30)).toBe(30);
  });
  it('a remote mention counts without its domain', () => {
    expect(countMastodon('hi @alice@mastodon.social')).toBe(9);
  });
  it('emoji, CJK and combining marks count one per grapheme', () => {
    expect(countMastodon('👨‍👩‍👧‍👦 日本 e\u0301')).toBe(6);
  });
});

describe('code points', () => {
  it('a surrogate pair is one code point', () => {
    expect(countCodePoints('😀a')).toBe(2);
    expect(countCodePoints('👨‍👩‍👧‍👦')).toBe(7);
  });
});

describe('UTF-8 bytes (Bluesky 3,000, YouTube descriptions 5,000)', () => {
  it('counts what the platform stores', () => {
    expect(countUtf8Bytes('abc')).toBe(3);
    expect(countUtf8Bytes('é')).toBe(2);
    expect(countUtf8Bytes('日')).toBe(3);
    expect(countUtf8Bytes('😀')).toBe(4);
    expect(countUtf8Bytes('👨‍👩‍👧‍👦')).toBe(25);
  });
});

describe('Threads counts graphemes, an emoji as its UTF-8 bytes', () => {
  it('plain text and accents count one per character', () => {
    expect(countThreads('hello')).toBe(5);
    expect(countThreads('Café crème')).toBe(10);
    expect(countThreads('e\u0301')).toBe(1);
    expect(countThreads('日本語')).toBe(3);
  });
  it('an emoji counts its UTF-8 bytes: 😀 4, ❤️ 6, a flag 8, a family of four 25, a keycap 7', () => {
    expect(countThreads('😀')).toBe(4);
    expect(countThreads('❤️')).toBe(6);
    expect(countThreads('🇫🇷')).toBe(8);
    expect(countThreads('👨‍👩‍👧‍👦')).toBe(25);
    expect(countThreads('1️⃣')).toBe(7);
    expect(countThreads('Hi 👋🏽!')).toBe(3 + 8 + 1);
  });
});
