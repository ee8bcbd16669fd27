import type { CountingMethod, PlatformSpec } from '../../../shared/platforms';

// Where a text crosses a platform's limit, so the editor can highlight what is past it. The
// engine's count (posts:validate) stays the authority for the number shown; this walks the same
// units to find the spot. test/renderer/lib/limits.test.ts checks it against the engine's counter.

interface Unit {
  start: number;
  weight: number;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Graphemes of `text` from `offset`, each weighing `weigh(segment)`. */
function graphemeUnits(text: string, offset: number, weigh: (segment: string) => number): Unit[] {
  const units: Unit[] = [];
  for (const { segment, index } of segmenter.segment(text)) units.push({ start: offset + index, weight: weigh(segment) });
  return units;
}

/** Splits `text` around `re`'s matches: plain runs become graphemes, each match one unit (or what `onMatch` makes of it). */
function withMatches(text: string, re: RegExp, plain: (run: string, offset: number) => Unit[], onMatch: (match: RegExpMatchArray, at: number) => Unit[]): Unit[] {
  const units: Unit[] = [];
  let last = 0;
  for (const match of text.matchAll(re)) {
    const at = match.index ?? 0;
    if (at > last) units.push(...plain(text.slice(last, at), last));
    units.push(...onMatch(match, at));
    last = at + match[0].length;
  }
  if (last < text.length) units.push(...plain(text.slice(last), last));
  return units;
}

// X (twitter-text v3 config): code points in these ranges weigh 1, others 2; an emoji weighs 2
// whatever its length; a URL weighs 23. Bare domains without http(s):// or www. are counted as
// text here (twitter-text also links them when their TLD is known), so the highlight can start a
// little late on those; the engine's counter stays exact.
const X_LIGHT: Array<[number, number]> = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];
const X_URL = /(?:https?:\/\/|www\.)[^\s<>"]*[^\s<>".,:;!?)\]}'"]/giu;
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

function xWeight(segment: string): number {
  if (EMOJI.test(segment)) return 2;
  let weight = 0;
  for (const char of segment) {
    const cp = char.codePointAt(0)!;
    weight += X_LIGHT.some(([from, to]) => cp >= from && cp <= to) ? 1 : 2;
  }
  return weight;
}

// Mastodon's own countable-text rules (see src/main/core/posts/count.ts): a URL counts as
// `urlLength`, a remote mention @user@domain as @user.
const MASTODON_URL = /(^|[^\w/])(https?:\/\/[^\s<>"'`]*[^\s<>"'`.,:;!?)\]}])/giu;
const MASTODON_MENTION = /(^|[^/\w])@([a-z0-9_]+)(@[a-z0-9.-]+[a-z0-9]+)/gi;

// Threads counts an emoji as its UTF-8 bytes (see src/main/core/posts/count.ts).
const THREADS_EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
const utf8 = new TextEncoder();

function units(text: string, counting: CountingMethod, urlLength: number): Unit[] {
  switch (counting) {
    case 'utf16': {
      // One unit per code unit, but never a cut between the halves of a surrogate pair.
      const out: Unit[] = [];
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length;
        out.push({ start: i, weight: pair ? 2 : 1 });
        if (pair) i++;
      }
      return out;
    }
    case 'code-points': {
      const out: Unit[] = [];
      let i = 0;
      for (const char of text) {
        out.push({ start: i, weight: 1 });
        i += char.length;
      }
      return out;
    }
    case 'graphemes':
      return graphemeUnits(text, 0, () => 1);
    case 'utf8-bytes': {
      // A code point weighs its UTF-8 bytes; a cut never falls inside one.
      const out: Unit[] = [];
      let i = 0;
      for (const char of text) {
        const cp = char.codePointAt(0)!;
        out.push({ start: i, weight: cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4 });
        i += char.length;
      }
      return out;
    }
    case 'threads':
      return graphemeUnits(text, 0, (segment) => (THREADS_EMOJI.test(segment) ? utf8.encode(segment).length : 1));
    case 'x-weighted':
      return withMatches(
        text,
        X_URL,
        (run, offset) => graphemeUnits(run, offset, xWeight),
        (_m, at) => [{ start: at, weight: 23 }],
      );
    case 'mastodon': {
      const plain = (run: string, offset: number): Unit[] =>
        withMatches(
          run,
          MASTODON_MENTION,
          (r, o) => graphemeUnits(r, offset + o, () => 1),
          (m, at) => {
            const before = m[1] ?? '';
            const user = `@${m[2]}`;
            return [...graphemeUnits(before + user, offset + at, () => 1), { start: offset + at + before.length + user.length, weight: 0 }];
          },
        );
      return withMatches(text, MASTODON_URL, plain, (m, at) => {
        const before = m[1] ?? '';
        return [...plain(before, at), { start: at + before.length, weight: urlLength }];
      });
    }
  }
}

/**
 * The UTF-16 index in `text` where it goes past `limit` as the platform counts (`counting`), or
 * null when it fits. Everything from that index on is what the creator must cut.
 */
export function overflowStart(text: string, counting: CountingMethod, limit: number, options: { urlLength?: number } = {}): number | null {
  if (text.length === 0) return null;
  let total = 0;
  for (const unit of units(text, counting, options.urlLength ?? 23)) {
    total += unit.weight;
    if (total > limit) return unit.start;
  }
  return null;
}

/**
 * Where `text` first goes past any of a platform's limits on it: the main one (`limit`, which may
 * be an instance's own or a caption's) and the others in other units (Bluesky's 3,000 bytes).
 */
export function overflowAny(text: string, spec: Pick<PlatformSpec, 'text'>, limit: number, options: { urlLength?: number } = {}): number | null {
  return overflowWhere(text, spec, limit, options)?.cut ?? null;
}

/** The same, with the limit that is crossed first and its unit (for "does not fit (3,000 bytes)"). */
export function overflowWhere(text: string, spec: Pick<PlatformSpec, 'text'>, limit: number, options: { urlLength?: number } = {}): { cut: number; limit: number; unit: 'characters' | 'bytes' } | null {
  const unit = (counting: CountingMethod) => (counting === 'utf8-bytes' ? 'bytes' : 'characters');
  let best: { cut: number; limit: number; unit: 'characters' | 'bytes' } | null = null;
  for (const l of [{ limit, counting: spec.text.counting }, ...(spec.text.also ?? [])]) {
    const cut = overflowStart(text, l.counting, l.limit, options);
    if (cut !== null && (best === null || cut < best.cut)) best = { cut, limit: l.limit, unit: unit(l.counting) };
  }
  return best;
}

/**
 * The main text limit of a check (an instance's own, or a caption's), for the highlight: the
 * engine reports the limit that binds, which may be one in another unit (Bluesky's bytes).
 */
export function mainLimit(check: { limit: number; unit: 'characters' | 'bytes' } | null, spec: Pick<PlatformSpec, 'text'>): number {
  return check && check.unit === (spec.text.counting === 'utf8-bytes' ? 'bytes' : 'characters') ? check.limit : spec.text.limit;
}
