// The account's boards for the composer's board picker (GET /v5/boards, bookmark pages:
// https://developers.pinterest.com/docs/api/v5/boards-list).
import type { PinterestBoard } from '../../../shared/platforms/lookups';
import type { PlatformLookup } from '../types';
import { pinterestCall, pinterestToken } from './api';

/** Most pages read (100 boards each): Pinterest allows 2,000 boards per account. */
const MAX_PAGES = 20;

interface BoardPage {
  items?: Array<{ id?: string; name?: string; privacy?: string; description?: string | null }>;
  bookmark?: string | null;
}

/** The `boards` lookup: every board the account can pin to, in Pinterest's order. */
export const boardsLookup: PlatformLookup = async (ctx) => {
  const token = pinterestToken(ctx.credentials);
  const boards: PinterestBoard[] = [];
  let bookmark: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ page_size: '100', ...(bookmark ? { bookmark } : {}) });
    const answer: BoardPage = await pinterestCall<BoardPage>(ctx.endpoints, `/boards?${query}`, { token, signal: ctx.signal, now: ctx.now(), what: 'Listing your Pinterest boards' });
    for (const b of answer.items ?? []) {
      if (typeof b.id === 'string' && typeof b.name === 'string') boards.push({ id: b.id, name: b.name, privacy: b.privacy ?? null, description: b.description || null });
    }
    bookmark = answer.bookmark ?? null;
    if (!bookmark) break;
  }
  return boards;
};
