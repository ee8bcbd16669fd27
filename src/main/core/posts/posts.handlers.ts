import type { DomainHandlers } from '../handlers';
import type { PostsService } from './posts.service';

/** The posts channels. */
export function createPostsHandlers(posts: PostsService): DomainHandlers<'posts'> {
  return {
    'posts:create': (input) => posts.create(input),
    'posts:update': (input) => posts.update(input),
    'posts:delete': ({ id }) => posts.delete(id),
    'posts:duplicate': ({ id }) => posts.duplicate(id),
    'posts:get': ({ id }) => posts.get(id),
    'posts:list': (input) => posts.list(input),
    'posts:calendar': (input) => posts.calendar(input),
    'posts:validate': (input) => posts.validate(input),
    'posts:publish': ({ id }) => posts.publish(id),
    'posts:nextSlots': ({ count }) => ({ slots: posts.nextSlots(count) }),
    'posts:changeTimeZone': (input) => posts.changeTimeZone(input),
  };
}
