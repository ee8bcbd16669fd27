import { describe, expect, test } from 'vitest';
import { parseHead, readLinkCard } from './link-card';

describe('parseHead', () => {
  test('reads og and twitter meta tags (first value wins) and the <title>, entities decoded', async () => {
    const { title, meta } = await parseHead(`<html><HEAD>
      <title> A  &amp; B
      </title>
      <meta property="og:title" content="Tom &amp; Jerry&#39;s &quot;show&quot;">
      <meta property="og:title" content="second, ignored">
      <meta name="Description" content="plain description">
      <meta name="twitter:image" content="/t.png">
    </head><body><meta property="og:image" content="/in-body-ignored.png"></body></html>`);
    expect(title).toBe('A & B');
    expect(meta.get('og:title')).toBe('Tom & Jerry\'s "show"');
    expect(meta.get('description')).toBe('plain description');
    expect(meta.get('twitter:image')).toBe('/t.png');
    expect(meta.has('og:image')).toBe(false);
  });

  test('a page with no head tags gives nothing', async () => {
    expect(await parseHead('<p>hello</p>')).toEqual({ title: null, meta: new Map() });
  });
});

describe('readLinkCard', () => {
  test('links that are not http(s) never fetch anything', async () => {
    expect(await readLinkCard('ftp://example.com/x', { timeoutMs: 100 })).toBeNull();
    expect(await readLinkCard('not a url', { timeoutMs: 100 })).toBeNull();
  });
});
