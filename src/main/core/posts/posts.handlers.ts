import type { Handler } from '../handlers';
import type { PostsService } from './posts.service';

/** The posts channels this domain answers (`posts:publish` belongs to the publishing engine). */
export function createPostsHandlers(posts: PostsService): {
  'posts:create': Handler<'posts:create'>;
  'posts:update': Handler<'posts:update'>;
  'posts:delete': Handler<'posts:delete'>;
  'posts:duplicate': Handler<'posts:duplicate'>;
  'posts:get': Handler<'posts:get'>;
  'posts:list': Handler<'posts:list'>;
  'posts:validate': Handler<'posts:validate'>;
} {
  return {
    'posts:create': (input) => posts.create(input),
    'posts:update': (input) => posts.update(input),
    'posts:delete': ({ id }) => posts.delete(id),
    'posts:duplicate': ({ id }) => posts.duplicate(id),
    'posts:get': ({ id }) => posts.get(id),
    'posts:list': (input) => posts.list(input),
    'posts:validate': (input) => posts.validate(input),
  };
}
