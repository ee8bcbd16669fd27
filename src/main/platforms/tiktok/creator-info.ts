// TikTok's creator info (https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info/):
// read before every direct post, as TikTok requires, both for the composer (nickname, privacy
// options, disabled interactions, longest video) and by the publisher, which checks the post
// against it before anything is uploaded.
import type { TiktokCreatorInfo } from '../../../shared/platforms/lookups';
import { PublishError, type LookupContext, type PlatformLookup } from '../types';
import { tiktokPost, tiktokToken } from './api';

interface CreatorInfoData {
  creator_avatar_url?: string;
  creator_username?: string;
  creator_nickname?: string;
  privacy_level_options?: string[];
  comment_disabled?: boolean;
  duet_disabled?: boolean;
  stitch_disabled?: boolean;
  max_video_post_duration_sec?: number;
}

/** Asks TikTok for the creator's posting options (throws classified PublishErrors). */
export async function queryCreatorInfo(endpoints: { apiBase?: string }, token: string, signal: AbortSignal, now: number): Promise<TiktokCreatorInfo> {
  const data = await tiktokPost<CreatorInfoData>(endpoints, '/v2/post/publish/creator_info/query/', { token, signal, now, what: 'Reading your TikTok posting options' });
  return {
    canPost: true,
    reason: null,
    nickname: data.creator_nickname ?? '',
    username: data.creator_username ?? '',
    avatarUrl: data.creator_avatar_url || null,
    privacyLevelOptions: Array.isArray(data.privacy_level_options) ? data.privacy_level_options.filter((o): o is string => typeof o === 'string') : [],
    commentDisabled: data.comment_disabled === true,
    duetDisabled: data.duet_disabled === true,
    stitchDisabled: data.stitch_disabled === true,
    maxVideoPostDurationSec: typeof data.max_video_post_duration_sec === 'number' ? data.max_video_post_duration_sec : null,
  };
}

/**
 * The `creatorInfo` lookup. When TikTok says the creator cannot post through apps right now
 * (daily cap, a posting ban, the app's daily quota) the answer says so instead of failing, so the
 * composer can stop the creator before they write a post that cannot go out.
 */
export const creatorInfoLookup: PlatformLookup = async (ctx: LookupContext) => {
  try {
    return await queryCreatorInfo(ctx.endpoints, tiktokToken(ctx.credentials), ctx.signal, ctx.now());
  } catch (error) {
    if (error instanceof PublishError && error.kind === 'rate_limited' && (error.retryAfterMs ?? 0) >= 60 * 60_000) {
      const answer: TiktokCreatorInfo = {
        canPost: false,
        reason: error.message.replace(/^Reading your TikTok posting options: /, ''),
        nickname: '',
        username: ctx.account.handle.replace(/^@/, ''),
        avatarUrl: null,
        privacyLevelOptions: [],
        commentDisabled: true,
        duetDisabled: true,
        stitchDisabled: true,
        maxVideoPostDurationSec: null,
      };
      return answer;
    }
    throw error;
  }
};
