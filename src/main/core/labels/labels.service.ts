import { randomUUID } from 'node:crypto';
import type { Label } from '../../../shared/domain';
import type { Db } from '../db/database';
import { AppError, notFound } from '../errors';
import type { EventBus } from '../events';
import type { Clock } from '../ports/ports';
import type { PostStore } from '../posts/post-store.repo';
import { createLabelsRepo } from './labels.repo';

/** Labels: names unique whatever their case; deleting one takes it off its posts. */
export function createLabelsService(deps: { db: Db; clock: Clock; bus: EventBus; posts: Pick<PostStore, 'postIdsWithLabel'> }) {
  const repo = createLabelsRepo(deps.db);

  function nameTaken(name: string, except?: string) {
    const other = repo.byName(name);
    if (other && other.id !== except) {
      throw new AppError('conflict', `A label named "${other.name}" already exists`, [{ path: 'name', message: `"${other.name}" already exists` }]);
    }
  }

  return {
    list: (): Label[] => repo.all(),
    create(input: { name: string; color: string }): Label {
      const label: Label = { id: randomUUID(), name: input.name, color: input.color.toLowerCase() };
      repo.transaction(() => {
        nameTaken(label.name);
        repo.insert(label, deps.clock.now());
      });
      return label;
    },
    update(input: { id: string; name?: string | undefined; color?: string | undefined }): Label {
      const current = repo.get(input.id);
      if (!current) throw notFound('Label', input.id);
      const next: Label = { id: current.id, name: input.name ?? current.name, color: (input.color ?? current.color).toLowerCase() };
      if (next.name === current.name && next.color === current.color) return current;
      const posts = repo.transaction(() => {
        nameTaken(next.name, current.id);
        repo.update(next);
        return deps.posts.postIdsWithLabel(current.id);
      });
      // Posts show their labels' names and colours.
      if (posts.length > 0) deps.bus.emit('posts:changed', { ids: posts });
      return next;
    },
    delete(id: string): { id: string } {
      const posts = repo.transaction(() => {
        if (!repo.get(id)) throw notFound('Label', id);
        const ids = deps.posts.postIdsWithLabel(id);
        repo.delete(id);
        return ids;
      });
      if (posts.length > 0) deps.bus.emit('posts:changed', { ids: posts });
      return { id };
    },
  };
}

/** The labels service. */
export type LabelsService = ReturnType<typeof createLabelsService>;
