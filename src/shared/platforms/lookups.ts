import { z } from 'zod';

// What the platform lookups (`accounts:lookup`) answer, as schemas: the engine builds these
// shapes and the renderer's store parses the answer with them before a view sees it.

/**
 * TikTok's creator info (`creatorInfo`), as TikTok's content-sharing guidelines require a
 * posting app to show it. `canPost: false` when TikTok says the creator cannot post through
 * apps right now (`reason` says why); the options are then empty.
 */
export const tiktokCreatorInfoSchema = z.object({
  canPost: z.boolean(),
  reason: z.string().nullable(),
  nickname: z.string(),
  username: z.string(),
  avatarUrl: z.string().nullable(),
  privacyLevelOptions: z.array(z.string()),
  commentDisabled: z.boolean(),
  duetDisabled: z.boolean(),
  stitchDisabled: z.boolean(),
  /** Longest video this creator may post, in seconds. */
  maxVideoPostDurationSec: z.number().nullable(),
});
/** TikTok's creator info as the composer shows it. */
export type TiktokCreatorInfo = z.infer<typeof tiktokCreatorInfoSchema>;

/** One of the account's Pinterest boards (`boards`). */
export const pinterestBoardSchema = z.object({
  id: z.string(),
  name: z.string(),
  privacy: z.string().nullable(),
  description: z.string().nullable(),
});
/** The account's boards, in Pinterest's order. */
export const pinterestBoardsSchema = z.array(pinterestBoardSchema);
/** A Pinterest board as the board picker shows it. */
export type PinterestBoard = z.infer<typeof pinterestBoardSchema>;
