import type { Post } from '../../../shared/domain';
import type { Issue } from '../../../shared/result';
import { AppError, notFound } from '../errors';
import type { Handler } from '../handlers';
import { describeIssues } from '../invoke';
import type { PublishingEngine } from './publishing.service';

/**
 * `posts:publish`: the one channel the publishing engine answers. Before anything is claimed,
 * the entries still to send pass the same platform validation as scheduling (`checkContent`),
 * so a post that cannot go out is a `validation` error now, not a failure on every platform later.
 */
export function createPublishingHandlers(engine: PublishingEngine, checkContent: (post: Post) => Issue[]): { 'posts:publish': Handler<'posts:publish'> } {
  return {
    'posts:publish': ({ id }) => {
      const post = engine.readPost(id);
      if (!post) throw notFound('Post', id);
      if (post.status !== 'publishing' && post.status !== 'published') {
        const problems = checkContent(post);
        if (problems.length > 0) throw new AppError('validation', describeIssues(problems), problems);
      }
      return engine.publishNow(id);
    },
  };
}
