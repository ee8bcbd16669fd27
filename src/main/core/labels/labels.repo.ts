import type { Label } from '../../../shared/domain';
import type { Db } from '../db/database';

/** SQL for labels (which posts carry a label is the post store's). */
export function createLabelsRepo(db: Db) {
  const s = {
    all: db.prepare('SELECT id, name, color FROM labels ORDER BY name COLLATE NOCASE, id'),
    get: db.prepare('SELECT id, name, color FROM labels WHERE id = @id'),
    byName: db.prepare('SELECT id, name, color FROM labels WHERE name = @name COLLATE NOCASE'),
    insert: db.prepare('INSERT INTO labels (id, name, color, created_at) VALUES (@id, @name, @color, @createdAt)'),
    update: db.prepare('UPDATE labels SET name = @name, color = @color WHERE id = @id'),
    delete: db.prepare('DELETE FROM labels WHERE id = @id'),
    existing: db.prepare('SELECT id FROM labels WHERE id IN (SELECT value FROM json_each(@ids))'),
  };
  return {
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    all: () => s.all.all() as Label[],
    get: (id: string) => s.get.get({ id }) as Label | undefined,
    byName: (name: string) => s.byName.get({ name }) as Label | undefined,
    insert: (label: Label, createdAt: number) => void s.insert.run({ ...label, createdAt }),
    update: (label: Label) => void s.update.run(label),
    delete: (id: string) => void s.delete.run({ id }),
    /** Which of `ids` name a label. */
    existing: (ids: string[]): Set<string> => (ids.length === 0 ? new Set() : new Set((s.existing.all({ ids: JSON.stringify(ids) }) as Array<{ id: string }>).map((r) => r.id))),
  };
}

/** The labels repo. */
export type LabelsRepo = ReturnType<typeof createLabelsRepo>;
