import { describe, expect, it } from 'vitest';
import { needsThreadMode, sentParts } from './thread-mode';

const m = (id: string) => ({ mediaId: id, altText: '' });
const thread = [
  { text: 'One ', media: [m('a')] },
  { text: '', media: [m('b')] },
  { text: 'Three', media: [] },
];

describe('sentParts: exactly what a platform receives', () => {
  it('a platform with threads gets every part, the entry’s own text replacing the first', () => {
    expect(sentParts('bluesky', thread, null, null)).toEqual(thread);
    expect(sentParts('bluesky', thread, 'Mine', 'first')).toEqual([{ text: 'Mine', media: [m('a')] }, thread[1], thread[2]]);
  });

  it('joined (the default): the texts with a blank line between (empty ones left out), every part’s media', () => {
    expect(sentParts('telegram', thread, null, null)).toEqual([{ text: 'One\n\nThree', media: [m('a'), m('b')] }]);
    expect(sentParts('telegram', thread, null, 'joined')).toEqual(sentParts('telegram', thread, null, null));
    // The platform's own text is the whole message; the media still go along.
    expect(sentParts('telegram', thread, 'Mine', 'joined')).toEqual([{ text: 'Mine', media: [m('a'), m('b')] }]);
  });

  it('first part only: part 1 (or the own text) with its media', () => {
    expect(sentParts('linkedin', thread, null, 'first')).toEqual([thread[0]]);
    expect(sentParts('linkedin', thread, 'Mine', 'first')).toEqual([{ text: 'Mine', media: [m('a')] }]);
  });

  it('one part is never changed, and only platforms without threads need a mode', () => {
    expect(sentParts('telegram', [thread[0]!], null, 'joined')).toEqual([thread[0]]);
    expect(needsThreadMode('telegram', 1)).toBe(false);
    expect(needsThreadMode('telegram', 2)).toBe(true);
    expect(needsThreadMode('x', 2)).toBe(false);
  });
});
