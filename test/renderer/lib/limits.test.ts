import { describe, expect, it } from 'vitest';
import { countText } from '../../../src/main/core/posts/count';
import type { CountingMethod } from '../../../src/shared/platforms';
import { overflowStart } from '../../../src/renderer/src/lib/limits';

// The editor highlights what is past a platform's limit; the engine's counter decides the limit.
// For each counting method, the text before the highlight fits and one more grapheme does not.

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// The unit that crosses the limit: a whole link where one starts (platforms count a link as one block), else one grapheme.
const nextGrapheme = (text: string, at: number) => /^https?:\/\/\S+/.exec(text.slice(at))?.[0] ?? [...segmenter.segment(text.slice(at))][0]?.segment ?? '';

const SAMPLES = [
  'Fresh off the press: the harbour series, printed by hand in five colours. ',
  'Café crème, naïve façade — déjà vu. ',
  '東京で新しい版画の展示をします。ぜひ来てください。',
  'Family 👨‍👩‍👧‍👦 and flags 🇫🇷🇯🇵 and a thumbs 👍🏽 ',
  'Ein Straßenfest mit Grüßen aus Köln. ',
  'Mixed: abc 日本 😀 ok ',
  'Line\nbreaks\r\nand\ttabs ',
  'Math 𝒳 𝔸 𝕫 outside the BMP ',
];

function texts(): string[] {
  const out: string[] = [];
  for (const a of SAMPLES) for (const b of SAMPLES) out.push((a + b).repeat(12));
  return out;
}

function checkCut(text: string, method: CountingMethod, limit: number, urlLength?: number) {
  const cut = overflowStart(text, method, limit, { urlLength });
  const total = countText(text, method, { urlLength });
  if (total <= limit) {
    expect(cut, `${method} fits`).toBeNull();
    return;
  }
  expect(cut, `${method} over`).not.toBeNull();
  expect(countText(text.slice(0, cut!), method, { urlLength }), `${method} prefix fits`).toBeLessThanOrEqual(limit);
  expect(countText(text.slice(0, cut!) + nextGrapheme(text, cut!), method, { urlLength }), `${method} one more is over`).toBeGreaterThan(limit);
}

describe('overflowStart (the editor’s highlight) agrees with the engine’s counter', () => {
  for (const [method, limit] of [
    ['graphemes', 300],
    ['code-points', 2200],
    ['utf16', 4096],
    ['x-weighted', 280],
    ['mastodon', 500],
    ['utf8-bytes', 3000],
    ['threads', 500],
  ] as Array<[CountingMethod, number]>) {
    it(`${method}: the text before the highlight fits in ${limit}, one grapheme (or link) more does not`, () => {
      for (const text of texts()) {
        for (const l of [limit, 17, 101]) checkCut(text, method, l);
      }
    });
  }

  it('a text within the limit has nothing highlighted, an empty one neither', () => {
    expect(overflowStart('short', 'x-weighted', 280)).toBeNull();
    expect(overflowStart('', 'graphemes', 0)).toBeNull();
  });

  it('X and Mastodon count a link as 23 characters: a long link does not push the highlight forward', () => {
    const link = `https://example.com/${'very-long-path/'.repeat(20)}end`;
    const text = `${'a'.repeat(250)} ${link} ${'b'.repeat(20)}`;
    checkCut(text, 'x-weighted', 280);
    checkCut(text, 'mastodon', 280);
    // 250 + space + 23 + space = 275 counted before the b's: the 6th b is the first one past 280.
    expect(overflowStart(text, 'x-weighted', 280)).toBe(text.length - 20 + 5);
  });

  it('a Mastodon remote mention counts without its domain, and the instance’s own URL length is used', () => {
    const text = `${'a'.repeat(490)} @ada@illustration.social ${'b'.repeat(10)}`;
    checkCut(text, 'mastodon', 500);
    checkCut(`${'a'.repeat(480)} https://example.com/x ${'b'.repeat(10)}`, 'mastodon', 500, 30);
  });

  it('Telegram counts UTF-16 units but never cuts an emoji in half', () => {
    const text = `${'a'.repeat(9)}😀b`;
    expect(overflowStart(text, 'utf16', 10)).toBe(9);
  });
});
